package dev.awsjca.plugins.sql;

/** Where a statement may run: on a reader, or only on the writer (also what a hint in it asks). */
public enum Route { READER, WRITER }
