// MLPTraining: see the module's files.
