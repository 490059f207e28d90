// Tests for VanishTests live here.
