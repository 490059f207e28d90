// Tests for GoldenImageTests live here.
