// TouchstoneExperiment: experiment definitions, hashing, bucketing, layers, holdouts, targeting, exposures.
