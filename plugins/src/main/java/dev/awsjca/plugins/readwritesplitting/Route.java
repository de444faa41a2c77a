package dev.awsjca.plugins.readwritesplitting;

/** Where a statement may run: on a reader, or only on the writer. */
enum Route { READER, WRITER }
