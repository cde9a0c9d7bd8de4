// Tests for TouchstoneExperiment are added with the module's features.
