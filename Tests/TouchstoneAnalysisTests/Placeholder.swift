// Tests for TouchstoneAnalysis are added with the module's features.
