// GoldenImage: see the module's files.
