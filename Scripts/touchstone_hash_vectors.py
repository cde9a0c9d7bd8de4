#!/usr/bin/env python3
"""Reference vectors for Touchstone's native hash, computed with the `xxhash` PyPI package
(the reference C xxHash, independent of the Swift code).

    seed   = xxh64(utf8(salt), seed=0)
    bucket = (xxh64(utf8(id), seed=seed) >> 11) * 2**-53

Run: pip install xxhash && python3 Scripts/touchstone_hash_vectors.py
Writes Tests/TouchstoneExperimentTests/Fixtures/touchstone_hash_vectors.json.
"""
import json, os, xxhash

CASES = [
    ("", ""), ("", "a"), ("exp", "user-1"), ("exp", "user-2"), ("onboarding_channels", "42"),
    ("checkout_v2", "7f3c9a1e-4b2d-4e8f-9a0b-1c2d3e4f5a6b"), ("salt", "x" * 31), ("salt", "y" * 32),
    ("salt", "z" * 33), ("salt", "0123456789abcdef0123456789abcdef0123456789abcdefXYZ"),
    ("__messaging", "user-1"), ("global_2026", "user-1"),
    ("exp", "José"), ("exp", "用户123"), ("expé", "naïve"), ("exp", "🙂👍"), ("🧪", "ünït-ïd"),
]

def bucket(salt, unit):
    seed = xxhash.xxh64_intdigest(salt.encode("utf-8"), seed=0)
    h = xxhash.xxh64_intdigest(unit.encode("utf-8"), seed=seed)
    return seed, h, (h >> 11) * 2.0**-53

out = {
    "source": "Scripts/touchstone_hash_vectors.py with the xxhash PyPI package %s (reference xxHash C library)" % xxhash.VERSION,
    "format": "[salt, id, xxh64(salt), xxh64(id, seed), bucket]; numbers as decimal strings (exact: JSON parsers may round doubles)",
    "cases": [[s, u, str(seed), str(h), repr(b)] for s, u in CASES for seed, h, b in [bucket(s, u)]],
}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "TouchstoneExperimentTests", "Fixtures", "touchstone_hash_vectors.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
