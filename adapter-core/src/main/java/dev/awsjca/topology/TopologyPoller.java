package dev.awsjca.topology;

import dev.awsjca.pipeline.AdapterThreads;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The monitor's thread ({@code aws-jca-topology <cluster>}) and its probes' threads: each round probes
 * the nodes {@link ProbeTargets} names, then waits as long as {@link WriterSearch#awaitNextRound} says.
 * Every node is asked by a probe on a thread of its own, so that a node that hangs (blackholed) does not
 * hold up the others. The threads and the probes' connections belong to the monitor: {@link #stop} ends
 * them all.
 */
final class TopologyPoller {

    private final WriterSearch search;
    private final ClusterMembers members;
    private final ProbeTargets targets;
    private final Function<HostSpec, TopologyProbe> newProbe;
    private final Map<String, TopologyProbe> probes = new ConcurrentHashMap<>();
    private final ExecutorService probeThreads;
    private final Thread loop;

    TopologyPoller(String key, WriterSearch search, ClusterMembers members, ProbeTargets targets,
                   Function<HostSpec, TopologyProbe> newProbe) {
        this.search = search;
        this.members = members;
        this.targets = targets;
        this.newProbe = newProbe;
        AtomicInteger n = new AtomicInteger();
        this.probeThreads = Executors.newCachedThreadPool(r -> daemon(r, "aws-jca-probe-" + n.incrementAndGet() + " " + key));
        this.loop = daemon(this::run, "aws-jca-topology " + key);
    }

    private static Thread daemon(Runnable r, String name) {
        return AdapterThreads.newThread(r, name); // never the application's class loader (it may be a request thread)
    }

    void start() {
        loop.start();
    }

    private void run() {
        try {
            while (!search.isClosed()) {
                boolean wasSearching = search.isSearching();
                probeRound(wasSearching);
                if (!search.awaitNextRound(wasSearching)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a probe of each host to ask; probes still running from the last round are left alone. */
    private void probeRound(boolean searchingNow) {
        if (!members.canConnect()) {
            return; // no connection of the cluster is open (the monitor lingers): nobody to probe for, or through
        }
        for (HostSpec host : targets.forRound(search.topology(), searchingNow)) {
            if (!start(probeOf(host))) {
                return;
            }
        }
    }

    private TopologyProbe probeOf(HostSpec host) {
        return probes.computeIfAbsent(host.endpoint(), k -> newProbe.apply(host));
    }

    /** Runs the probe on a thread of its own unless it still runs; false once the monitor is stopping. */
    private boolean start(TopologyProbe probe) {
        if (probe.start()) {
            try {
                probeThreads.execute(probe);
            } catch (RejectedExecutionException stopped) {
                return false;
            }
        }
        return true;
    }

    /**
     * The writer may be failing: every other node a search would ask, and that has no probe connection open,
     * is probed now, so that the search (if it comes) asks each one a query instead of waiting for a login.
     */
    void prepareSearch(Topology current, HostSpec suspect) {
        if (!members.canConnect()) {
            return;
        }
        for (HostSpec host : targets.forRound(current, true)) {
            if (host.endpoint().equals(suspect.endpoint())) {
                continue;
            }
            TopologyProbe probe = probeOf(host);
            if (!probe.hasConnection() && !start(probe)) {
                return;
            }
        }
    }

    /** Once the monitor is closed: stops the loop and every probe, and closes the probes' connections. */
    void stop() {
        loop.interrupt();
        probeThreads.shutdownNow();
        try {
            loop.join(5000);
            probeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.values().forEach(TopologyProbe::closeConnection);
    }
}
