package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperProperties;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The strategies of {@code readerHostSelectorStrategy}. Each picks among readers already filtered to the
 * usable ones (reachable, healthy, not lagging); an empty list has no pick.
 */
abstract class ReaderSelector {

    abstract ReaderState pick(List<ReaderState> usable);

    static ReaderSelector of(String strategy) {
        return switch (strategy) {
            case "random" -> new Random();
            case "roundRobin" -> new RoundRobin();
            case "leastConnections" -> new LeastConnections();
            case "fastestResponse" -> new FastestResponse();
            default -> throw new ConfigurationException(WrapperProperties.READER_HOST_SELECTOR_STRATEGY.name(),
                    "Invalid value '" + strategy + "' for property 'readerHostSelectorStrategy': expected one of random,"
                            + " roundRobin, leastConnections, fastestResponse");
        };
    }

    static final class Random extends ReaderSelector {
        @Override
        ReaderState pick(List<ReaderState> usable) {
            return usable.isEmpty() ? null : usable.get(ThreadLocalRandom.current().nextInt(usable.size()));
        }
    }

    /** Shared by the cluster's connections (one selector per cluster service), so turns are global. */
    static final class RoundRobin extends ReaderSelector {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        ReaderState pick(List<ReaderState> usable) {
            return usable.isEmpty() ? null : usable.get(Math.floorMod(next.getAndIncrement(), usable.size()));
        }
    }

    /** The reader with the fewest reader connections of this cluster; ties broken at random. */
    static final class LeastConnections extends ReaderSelector {
        @Override
        ReaderState pick(List<ReaderState> usable) {
            ReaderState best = null;
            int ties = 0;
            for (ReaderState r : usable) {
                int c = r.connections();
                if (best == null || c < best.connections()) {
                    best = r;
                    ties = 1;
                } else if (c == best.connections() && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                    best = r;
                }
            }
            return best;
        }
    }

    /**
     * The reader whose probe answered fastest lately. Readers not measured yet are tried first, so every
     * reader gets measured; readers within 10% (or 0.2 ms) of the fastest share the load at random.
     */
    static final class FastestResponse extends ReaderSelector {
        private static final long SAME_NANOS = 200_000;

        @Override
        ReaderState pick(List<ReaderState> usable) {
            long fastest = Long.MAX_VALUE;
            for (ReaderState r : usable) {
                if (r.rttNanos() < 0) {
                    return r;
                }
                fastest = Math.min(fastest, r.rttNanos());
            }
            long limit = fastest + Math.max(SAME_NANOS, fastest / 10);
            List<ReaderState> near = usable.stream().filter(r -> r.rttNanos() <= limit).toList();
            return near.isEmpty() ? null : near.get(ThreadLocalRandom.current().nextInt(near.size()));
        }
    }
}
