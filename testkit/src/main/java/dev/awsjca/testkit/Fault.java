package dev.awsjca.testkit;

/** What a node's fault proxy does to traffic, besides an optional added latency. */
public enum Fault {
    /** Traffic flows. */
    NONE,
    /** Traffic held in both directions, connections stay open with no RST or FIN, as when a host vanishes from the network. */
    BLACKHOLE,
    /** Requests reach the server, its replies are dropped: a commit that happens but is never acknowledged. */
    SWALLOW_REPLIES
}
