// Tests for TouchstoneCLI are added with the module's features.
