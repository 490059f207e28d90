// Reporting: see the module's files.
