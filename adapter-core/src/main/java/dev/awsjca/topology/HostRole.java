package dev.awsjca.topology;

/** What a host is to its cluster. */
public enum HostRole {
    WRITER, READER, UNKNOWN
}
