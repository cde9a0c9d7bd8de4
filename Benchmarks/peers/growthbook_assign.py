#!/usr/bin/env python3
"""Peer for assignment: GrowthBook's Python SDK bucketing the same ids as Touchstone.

Without --touchstone: times the SDK's own bucketing functions (gbhash + getBucketRanges +
chooseVariation, the path its experiment evaluation takes for each user) over N distinct ids,
best of 3 (the peer of Benchmarks/Sources/AssignmentBenchmarks).

With --touchstone BIN: batch assignment end to end. Writes N ids to a file and a config with one
GrowthBook-v2 experiment (seed "bench", 3 variations, weights .25/.25/.5, coverage .9), then
alternates, --runs times: GrowthBook's SDK end to end in this process (read the id file, bucket
every id, write `unit_id,experiment,variant` CSV to a file) and `BIN assign` in every mode below
(a subprocess; its wall time and CPU time are taken from the OS). Medians are printed with ids/s
and the ratio to GrowthBook's median in the same run. Touchstone's CSV is checked against the
SDK's variants for every id before anything is timed.

  ids from   --ids FILE | --ids - < FILE
  output     CSV | --format json
  to         /dev/null | a file (stdout redirected) | --output FILE

--baseline BIN adds the file→CSV→/dev/null mode of another build (e.g. main before a change).
Run: pip install growthbook && python3 Benchmarks/peers/growthbook_assign.py 1000000 --touchstone .build/release/touchstone
"""
import argparse, os, resource, statistics, subprocess, sys, tempfile, time
from growthbook.core import gbhash, getBucketRanges, chooseVariation

parser = argparse.ArgumentParser()
parser.add_argument("n", nargs="?", type=int, default=1_000_000)
parser.add_argument("--touchstone", help="touchstone binary: time `assign` end to end")
parser.add_argument("--baseline", help="another touchstone binary, timed file→CSV→/dev/null only")
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--hash", default="growthbook-v2", choices=["growthbook-v2", "growthbook-v1", "touchstone"],
                    help="Touchstone's hash for the end-to-end runs (GrowthBook's SDK always uses v2)")
args = parser.parse_args()
n = args.n
ids = ["user-%d" % (i * 2654435761 % 1000000007) for i in range(n)]
ranges = getBucketRanges(3, 0.9, [0.25, 0.25, 0.5])
version = getattr(__import__("growthbook"), "__version__", "")

if not args.touchstone:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        enrolled = 0
        for unit in ids:
            if chooseVariation(gbhash("bench", unit, 2), ranges) >= 0:
                enrolled += 1
        best = min(best, time.perf_counter() - start)
    print("growthbook-python %s: %d ids in %.3f s = %.0f assignments/s" % (version, n, best, n / best))
    sys.exit(0)

work = tempfile.mkdtemp(prefix="assign-bench-")
id_file = os.path.join(work, "ids.txt")
with open(id_file, "w") as f:
    f.write("\n".join(ids) + "\n")
config = os.path.join(work, "experiments.yaml")
with open(config, "w") as f:
    f.write("experiments:\n  - key: bench\n    hash: %s\n    coverage: 0.9\n"
            "    variants: [{ name: v0, weight: 0.25 }, { name: v1, weight: 0.25 }, { name: v2, weight: 0.5 }]\n" % args.hash)
out_file = os.path.join(work, "out")
names = ["v0", "v1", "v2"]


def growthbook_end_to_end():
    """The SDK's share of the same job: read ids, bucket, write CSV rows."""
    with open(id_file) as source, open(out_file, "w") as sink:
        sink.write("unit_id,experiment,variant\n")
        rows = []
        for line in source:
            unit = line.rstrip("\n")
            index = chooseVariation(gbhash("bench", unit, 2), ranges)
            rows.append("%s,bench,%s\n" % (unit, names[index] if index >= 0 else ""))
        sink.writelines(rows)


def run(binary, mode):
    """Runs one `assign` mode; returns (wall s, CPU s) of the child."""
    source, fmt, target = mode
    command = [binary, "assign", "--config", config, "--ids", "-" if source == "stdin" else id_file]
    if fmt == "json":
        command += ["--format", "json"]
    if target == "--output":
        command += ["--output", out_file]
    stdin = open(id_file, "rb") if source == "stdin" else subprocess.DEVNULL
    stdout = open(os.devnull, "wb") if target == "/dev/null" else open(out_file, "wb") if target == "file" else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.call(command, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for handle in (stdin, stdout):
        if handle not in (subprocess.DEVNULL, None):
            handle.close()
    if code != 0:
        sys.exit("%s exited %d" % (" ".join(command), code))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# Agreement first: Touchstone's growthbook-v2 variants are the SDK's, id by id.
if args.hash == "growthbook-v2":
    check = subprocess.run([args.touchstone, "assign", "--config", config, "--ids", id_file, "--quiet"],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    assert check[0] == "unit_id,experiment,variant" and len(check) == n + 2, "unexpected output shape"
    for unit, row in zip(ids, check[1:]):
        index = chooseVariation(gbhash("bench", unit, 2), ranges)
        if row != "%s,bench,%s" % (unit, names[index] if index >= 0 else ""):
            sys.exit("disagreement with GrowthBook: %r" % row)
    print("agreement: Touchstone's variants equal the SDK's for all %d ids" % n)

modes = [(s, f, t) for f in ("csv", "json") for s in ("file", "stdin") for t in ("/dev/null",)]
modes += [("file", "csv", "file"), ("file", "json", "file"), ("file", "csv", "--output"), ("file", "json", "--output")]
timings = {("growthbook", None): []}
for mode in modes:
    timings[("touchstone", mode)] = []
if args.baseline:
    timings[("baseline", ("file", "csv", "/dev/null"))] = []
for _ in range(args.runs):
    start = time.perf_counter()
    cpu = time.process_time()
    growthbook_end_to_end()
    timings[("growthbook", None)].append((time.perf_counter() - start, time.process_time() - cpu))
    for key in timings:
        if key[0] == "touchstone":
            timings[key].append(run(args.touchstone, key[1]))
        elif key[0] == "baseline":
            timings[key].append(run(args.baseline, key[1]))

gb_wall = statistics.median(w for w, _ in timings[("growthbook", None)])
print("%d ids, %s, median of %d alternating runs; ratio = GrowthBook's median wall time / this one" % (n, args.hash, args.runs))
print("| engine | ids from | output | to | wall s | CPU s | ids/s (wall) | × GrowthBook |")
print("|---|---|---|---|---:|---:|---:|---:|")
for key, values in timings.items():
    wall = statistics.median(w for w, _ in values)
    cpu = statistics.median(c for _, c in values)
    if key[0] == "growthbook":
        label, source, fmt, target = "GrowthBook Python SDK %s" % version, "file", "csv", "file"
    else:
        label = "Touchstone" if key[0] == "touchstone" else "Touchstone (baseline)"
        source, fmt, target = key[1]
        source = "--ids FILE" if source == "file" else "stdin"
        fmt = "JSON" if fmt == "json" else "CSV"
        target = {"file": "file (stdout)", "--output": "--output FILE"}.get(target, target)
    print("| %s | %s | %s | %s | %.3f | %.3f | %.2f M | %.1f |" % (label, source, fmt, target, wall, cpu, n / wall / 1e6, gb_wall / wall))
