// Tests for CairoBackendTests live here.
