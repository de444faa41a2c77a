package dev.awsjca.topology;

import java.util.List;
import java.util.Optional;

/** The hosts of a cluster as last seen, with their roles. */
public record Topology(List<HostSpec> hosts) {

    public Topology {
        hosts = List.copyOf(hosts);
    }

    public Optional<HostSpec> writer() {
        return hosts.stream().filter(h -> h.role() == HostRole.WRITER).findFirst();
    }

    public List<HostSpec> readers() {
        return hosts.stream().filter(h -> h.role() == HostRole.READER).toList();
    }
}
