// Tests for ReportingTests live here.
