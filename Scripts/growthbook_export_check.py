#!/usr/bin/env python3
"""GrowthBook's Python SDK (PyPI `growthbook`) on the payload of `touchstone export --growthbook`.

Evaluates every exported feature for 10,000 units (ids user-0 … user-9999, plus the forced
QA ids) and writes what the SDK assigns as a fixture; TouchstoneExperimentTests compares it
with Touchstone's own assignment of the same units, and checks the committed payload is still
what the export writes.

    pip install growthbook
    swift build && python3 Scripts/growthbook_export_check.py

Writes Tests/TouchstoneExperimentTests/Fixtures/growthbook_export_payload.json (the payload, as
exported) and growthbook_export_sdk.json: {"sdk": version, "units": [...], "assignments":
{feature: [variation index or -1 per unit]}}.
"""
import json
import pathlib
import subprocess
import sys
from importlib.metadata import version

from growthbook import GrowthBook

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "TouchstoneExperimentTests" / "Fixtures"
CONFIG = FIXTURES / "growthbook_export.yaml"
BINARY = ROOT / ".build" / "debug" / "touchstone"

payload_text = subprocess.run(
    [str(BINARY), "export", "--growthbook", "--config", str(CONFIG), "--at", "2026-06-01", "--quiet"],
    check=True, capture_output=True, text=True).stdout
payload = json.loads(payload_text)
(FIXTURES / "growthbook_export_payload.json").write_text(payload_text)

units = [f"user-{i}" for i in range(10_000)] + ["qa-1", "qa-2", "qa-3"]
features = sorted(payload["features"])
assignments = {key: [] for key in features}
for unit in units:
    gb = GrowthBook(attributes={"id": unit}, features=payload["features"])
    for key in features:
        value = gb.eval_feature(key).value
        variations = next(r for r in payload["features"][key]["rules"] if "variations" in r)["variations"]
        assignments[key].append(-1 if value is None else variations.index(value))
    gb.destroy()

out = {
    "sdk": f"growthbook {version('growthbook')} (Python)",
    "generator": "Scripts/growthbook_export_check.py",
    "units": units,
    "assignments": assignments,
}
(FIXTURES / "growthbook_export_sdk.json").write_text(json.dumps(out, separators=(",", ":")) + "\n")
enrolled = {key: sum(1 for v in values if v >= 0) for key, values in assignments.items()}
print(f"{len(units)} units, features {features}, enrolled per feature {enrolled}", file=sys.stderr)
