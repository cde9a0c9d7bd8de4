// Tests for TouchstoneData are added with the module's features.
