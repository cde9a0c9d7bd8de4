// TouchstoneAnalysis: exposures + events -> per-unit metrics -> per-arm sufficient statistics -> results.
