// Tests for GradientDataTests live here.
