package dev.awsjca.metrics;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

/** Where metrics go besides JMX, from property {@code telemetry}. */
public enum Telemetry {
    JMX, OTEL, EMF;

    static Telemetry of(WrapperConfig config) {
        return switch (config.get(WrapperProperties.TELEMETRY)) {
            case "otel" -> OTEL;
            case "emf" -> EMF;
            default -> JMX;
        };
    }
}
