package dev.awsjca.metrics;

/**
 * The OpenTelemetry a server's CDI container gave the deployment this adapter is in. WildFly registers no
 * GlobalOpenTelemetry: its opentelemetry subsystem makes one SDK per CDI deployment and offers it only as
 * a CDI bean, so the rar is a bean archive and its CDI extension hands that bean over here. One per class
 * loader, that is per deployed rar (per JVM for the driver). Plain {@code Object}, so that this class loads
 * without the OpenTelemetry API.
 */
public final class ServerOpenTelemetry {

    /** What the container said so far. */
    enum State {
        /** no CDI container started this adapter (Java SE, or a server that does not see the rar as a bean archive) */
        NONE,
        /** a container is starting: its OpenTelemetry, if it has one, comes before the deployment ends */
        STARTING,
        /** the container gave its OpenTelemetry */
        GIVEN,
        /** the container started without an OpenTelemetry bean */
        ABSENT
    }

    private static volatile State state = State.NONE;
    private static volatile Object openTelemetry;

    private ServerOpenTelemetry() {
    }

    /** A CDI container starts the deployment: an OpenTelemetry may follow. */
    public static void starting() {
        if (state == State.NONE) {
            state = State.STARTING;
        }
    }

    /**
     * The container's OpenTelemetry, or null when it has none.
     *
     * @param given an {@code io.opentelemetry.api.OpenTelemetry} of the API this adapter sees
     */
    public static void started(Object given) {
        openTelemetry = given;
        state = given != null ? State.GIVEN : State.ABSENT;
    }

    /** The API's {@code OpenTelemetry} interface as this adapter sees it, or null when the API is not visible. */
    public static Class<?> apiType() {
        try {
            return Class.forName("io.opentelemetry.api.OpenTelemetry", false, ServerOpenTelemetry.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    static State state() {
        return state;
    }

    static Object get() {
        return openTelemetry;
    }

    /** For tests of one JVM that play several deployments. */
    static void reset() {
        openTelemetry = null;
        state = State.NONE;
    }
}
