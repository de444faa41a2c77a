package dev.awsjca.plugins.readwritesplitting;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Driver properties of the reader probes: bounded, and named in pg_stat_activity. */
final class ProbeProperties {

    private ProbeProperties() {
    }

    static Map<String, String> of(SplittingSettings settings) {
        // the monitor's clock decides when a reader is unreachable; these only bound a stuck probe thread
        String seconds = Long.toString(TimeUnit.MILLISECONDS.toSeconds(settings.probeIntervalMs() * settings.probeCount() + 999) + 1);
        return Map.of("connectTimeout", seconds, "socketTimeout", seconds, "loginTimeout", "0",
                "ApplicationName", ClusterReaders.APPLICATION_NAME);
    }
}
