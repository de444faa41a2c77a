package dev.awsjca.pipeline;

import dev.awsjca.topology.HostSpec;

import java.sql.Connection;

/** A physical connection and the host it is connected to. */
public record HostConnection(Connection connection, HostSpec host) {
}
