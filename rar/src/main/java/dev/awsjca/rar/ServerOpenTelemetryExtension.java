package dev.awsjca.rar;

import dev.awsjca.metrics.ServerOpenTelemetry;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

/**
 * Hands the OpenTelemetry that the server's CDI container made for the rar to the adapter's metrics
 * ({@code telemetry=otel}). WildFly's opentelemetry subsystem gives each CDI deployment an SDK of its own,
 * configured by the subsystem (exporter, endpoint), as a bean and not as GlobalOpenTelemetry; this jar's
 * beans.xml makes the rar such a deployment. Nothing here needs the OpenTelemetry API: without it, or
 * without the bean, the adapter is told there is none.
 */
public class ServerOpenTelemetryExtension implements Extension {

    void starting(@Observes BeforeBeanDiscovery event) {
        ServerOpenTelemetry.starting();
    }

    void started(@Observes AfterDeploymentValidation event, BeanManager beans) {
        Class<?> api = ServerOpenTelemetry.apiType();
        Object given = null;
        if (api != null) {
            Instance<?> bean = beans.createInstance().select(api);
            if (bean.isResolvable()) {
                given = bean.get();
            }
        }
        ServerOpenTelemetry.started(given);
    }
}
