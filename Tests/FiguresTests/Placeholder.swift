// Tests for FiguresTests live here.
