// VanishCommands: see the module's files.
