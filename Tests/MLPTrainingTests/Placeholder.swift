// Tests for MLPTrainingTests live here.
