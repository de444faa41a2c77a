package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hostMonitoring plugin's view of the configuration. Connections with equal settings to the same
 * cluster share one set of host monitors.
 *
 * @param graceMs    how long a statement runs before its host is probed ({@code failureDetectionTimeMs})
 * @param intervalMs time between probes, and each probe's time to answer ({@code failureDetectionIntervalMs})
 * @param count      unanswered probes in a row that make a host dead ({@code failureDetectionCount})
 */
record MonitoringSettings(long graceMs, long intervalMs, int count) {

    static MonitoringSettings from(WrapperConfig config) {
        return new MonitoringSettings(config.get(WrapperProperties.FAILURE_DETECTION_TIME_MS),
                config.get(WrapperProperties.FAILURE_DETECTION_INTERVAL_MS),
                config.get(WrapperProperties.FAILURE_DETECTION_COUNT));
    }

    /** How long a host may stay silent before it is declared dead. */
    long silenceMs() {
        return intervalMs * count;
    }

    /**
     * How long a probe's login may take before its silence counts. A login costs a busy server a process,
     * a password check and several round trips: it can take seconds while statements on open connections
     * still answer in milliseconds, so it is timed apart from the probes, generously.
     */
    long loginAllowanceMs() {
        return Math.max(silenceMs(), MIN_LOGIN_ALLOWANCE_MS);
    }

    static final long MIN_LOGIN_ALLOWANCE_MS = 10_000;

    long graceNanos() {
        return TimeUnit.MILLISECONDS.toNanos(graceMs);
    }

    long intervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(intervalMs);
    }

    /**
     * Driver properties of the probe connections. The declaration of death is timed by the monitor, not by
     * these (pgjdbc counts whole seconds); they only bound how long a probe thread can stay stuck, and are
     * longer than the allowed silence so that a slow host still gets the chance to answer. loginTimeout=0:
     * pgjdbc would otherwise open every probe connection on a thread of its own.
     */
    Map<String, String> probeDriverProperties() {
        String seconds = Long.toString(TimeUnit.MILLISECONDS.toSeconds(silenceMs() + 999) + 1);
        String login = Long.toString(TimeUnit.MILLISECONDS.toSeconds(loginAllowanceMs() + 999) + 1);
        // socketTimeout bounds the login's reads too: the login's allowance, not the probe's
        return Map.of("connectTimeout", seconds, "socketTimeout", login, "loginTimeout", "0",
                "ApplicationName", HostMonitors.APPLICATION_NAME);
    }

    /** The cluster service's name: connections with other settings get monitors of their own. */
    String serviceName() {
        return "hostMonitoring grace=" + graceMs + " interval=" + intervalMs + " count=" + count;
    }
}
