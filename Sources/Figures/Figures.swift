// Figures: see the module's files.
