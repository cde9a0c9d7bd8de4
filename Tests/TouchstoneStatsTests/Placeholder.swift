// Tests for TouchstoneStats.
