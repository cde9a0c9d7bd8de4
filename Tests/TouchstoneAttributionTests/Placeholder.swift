// Tests for TouchstoneAttribution are added with the module's features.
