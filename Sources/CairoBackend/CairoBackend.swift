// CairoBackend: see the module's files.
