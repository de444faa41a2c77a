package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

/**
 * The readWriteSplitting plugin's view of the configuration, read once per connection.
 *
 * @param sqlMode         route by SQL text ({@code readWriteSplittingMode=sql}) instead of the read-only flag
 * @param maxReaderLagMs  null: no limit
 * @param readerRole      the connection is a reader definition's ({@code role=reader}): read-only, on readers
 */
record SplittingSettings(boolean sqlMode, String strategy, Long maxReaderLagMs, boolean fallbackToWriter,
                         long readerIdleTimeoutMs, boolean readAfterWrite, long readAfterWriteTimeoutMs,
                         boolean readerRole, long probeIntervalMs, int probeCount, long failoverTimeoutMs) {

    static SplittingSettings from(WrapperConfig config) {
        boolean readerRole = config.readerRole(); // a contradicting failoverMode was refused by the configuration
        String strategy = config.get(WrapperProperties.READER_HOST_SELECTOR_STRATEGY);
        ReaderSelector.of(strategy); // refuses an unknown one with the property's name
        return new SplittingSettings("sql".equals(config.get(WrapperProperties.READ_WRITE_SPLITTING_MODE)), strategy,
                config.get(WrapperProperties.MAX_READER_LAG_MS), "writer".equals(config.get(WrapperProperties.READER_FALLBACK)),
                config.get(WrapperProperties.READER_IDLE_TIMEOUT_MS), "wait".equals(config.get(WrapperProperties.READ_AFTER_WRITE)),
                config.get(WrapperProperties.READ_AFTER_WRITE_TIMEOUT_MS), readerRole,
                config.get(WrapperProperties.FAILURE_DETECTION_INTERVAL_MS), config.get(WrapperProperties.FAILURE_DETECTION_COUNT),
                config.get(WrapperProperties.FAILOVER_TIMEOUT_MS));
    }

    /** Connections with equal settings share one reader service per cluster. */
    String serviceName() {
        return "readWriteSplitting strategy=" + strategy + " interval=" + probeIntervalMs + " count=" + probeCount;
    }
}
