#!/usr/bin/env python3
"""Peer for AssignmentBenchmarks: GrowthBook's Python SDK bucketing the same ids.

Times the SDK's own bucketing functions (gbhash + getBucketRanges + chooseVariation, the path
its experiment evaluation takes for each user) over N distinct ids, best of 3.
Run: pip install growthbook && python3 Benchmarks/peers/growthbook_assign.py [N]
"""
import sys, time
from growthbook.core import gbhash, getBucketRanges, chooseVariation

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
ids = ["user-%d" % (i * 2654435761 % 1000000007) for i in range(n)]
ranges = getBucketRanges(3, 0.9, [0.25, 0.25, 0.5])
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    enrolled = 0
    for unit in ids:
        if chooseVariation(gbhash("bench", unit, 2), ranges) >= 0:
            enrolled += 1
    best = min(best, time.perf_counter() - start)
print("growthbook-python %s: %d ids in %.3f s = %.0f assignments/s" % (
    __import__("growthbook").__version__ if hasattr(__import__("growthbook"), "__version__") else "", n, best, n / best))
