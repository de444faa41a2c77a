package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strategies as pure logic: spread, least connections, fastest response, and bad input. */
class ReaderSelectorTest {

    private static ReaderState reader(int i) {
        return new ReaderState(new HostSpec("127.0.0." + i, 5432, HostRole.READER, "r" + i));
    }

    private static Map<ReaderState, Integer> spread(ReaderSelector selector, List<ReaderState> readers, boolean lease)
            throws InterruptedException {
        Map<ReaderState, AtomicInteger> counts = new ConcurrentHashMap<>();
        Thread[] threads = new Thread[16];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000 / 16; i++) {
                    ReaderState r = selector.pick(readers);
                    counts.computeIfAbsent(r, k -> new AtomicInteger()).incrementAndGet();
                    if (lease) {
                        r.leased();
                        r.returned();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Map<ReaderState, Integer> result = new java.util.HashMap<>();
        counts.forEach((k, v) -> result.put(k, v.get()));
        return result;
    }

    @Test
    void roundRobinAndLeastConnectionsSpreadReadsFrom16Threads() throws InterruptedException {
        List<ReaderState> readers = List.of(reader(1), reader(2));
        for (ReaderSelector s : List.of(ReaderSelector.of("roundRobin"), ReaderSelector.of("leastConnections"),
                ReaderSelector.of("random"))) {
            Map<ReaderState, Integer> counts = spread(s, readers, true);
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            for (int n : counts.values()) {
                assertTrue(n <= total * 0.55, s.getClass().getSimpleName() + ": " + n + " of " + total);
            }
        }
    }

    @Test
    void leastConnectionsPicksTheReaderWithFewest() {
        ReaderState busy = reader(1);
        ReaderState idle = reader(2);
        busy.leased();
        busy.leased();
        idle.leased();
        assertSame(idle, ReaderSelector.of("leastConnections").pick(List.of(busy, idle)));
    }

    @Test
    void fastestResponseMeasuresEveryReaderThenAvoidsASlowOne() {
        ReaderState fast = reader(1);
        ReaderState slow = reader(2);
        ReaderSelector s = ReaderSelector.of("fastestResponse");
        fast.measured(0, 500_000);
        assertSame(slow, s.pick(List.of(fast, slow)), "a reader never measured is tried first");
        slow.measured(0, 20_500_000);
        for (int i = 0; i < 1000; i++) {
            assertSame(fast, s.pick(List.of(fast, slow)));
        }
    }

    @Test
    void noUsableReaderNoPick() {
        for (String strategy : List.of("random", "roundRobin", "leastConnections", "fastestResponse")) {
            assertNull(ReaderSelector.of(strategy).pick(List.of()), strategy);
        }
    }

    @Test
    void anUnknownStrategyIsRefusedNamingTheProperty() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ReaderSelector.of("fastest"));
        assertEquals("readerHostSelectorStrategy", e.property());
        assertTrue(e.getMessage().contains("fastest"));
    }
}
