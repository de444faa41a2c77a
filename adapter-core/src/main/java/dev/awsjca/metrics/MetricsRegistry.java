package dev.awsjca.metrics;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostSpec;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of one adapter (of the JVM for the driver and DataSource): one record per connection
 * definition and per cluster, their JMX MBeans, and the outputs the definitions chose (OpenTelemetry,
 * EMF). Owned by the {@link dev.awsjca.topology.ClusterRegistry}, closed with it.
 */
public final class MetricsRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MetricsRegistry.class.getName());
    static final String DOMAIN = "dev.awsjca";

    private final Map<String, DefinitionMetrics> definitions = new ConcurrentHashMap<>();
    private final Map<String, ClusterMetrics> clusters = new ConcurrentHashMap<>();
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
    private volatile EventSink otel;
    private EmfOutput emf; // guarded by this
    private volatile boolean closed;

    /** The JMX name of a connection definition's MBean. */
    public static ObjectName definitionName(String definition) {
        return objectName("ConnectionDefinition", definition);
    }

    /** The JMX name of a cluster's MBean. */
    public static ObjectName clusterName(String clusterKey) {
        return objectName("Cluster", clusterKey);
    }

    private static ObjectName objectName(String type, String name) {
        try {
            return new ObjectName(DOMAIN + ":type=" + type + ",name=" + ObjectName.quote(name));
        } catch (JMException e) {
            throw new IllegalArgumentException("no JMX name for " + type + " " + name, e);
        }
    }

    /** The definition's name: property definitionName, else the URL's first host and the database. */
    public static String nameOf(WrapperConfig config) {
        String given = config.get(WrapperProperties.DEFINITION_NAME);
        if (given != null) {
            return given;
        }
        return (config.hosts().isEmpty() ? "?" : config.hosts().get(0).endpoint()) + "/" + config.database();
    }

    /**
     * The metrics of the configuration's connection definition, made (and shown in JMX) on first use,
     * with the output its property {@code telemetry} names.
     *
     * @throws ConfigurationException naming {@code telemetry} when it is otel and the OpenTelemetry API is missing,
     *         or older than 1.57 with no SDK from the server
     */
    public DefinitionMetrics definition(WrapperConfig config) {
        String name = nameOf(config);
        DefinitionMetrics existing = definitions.get(name);
        if (existing != null) {
            return existing;
        }
        Telemetry telemetry = Telemetry.of(config);
        if (telemetry == Telemetry.OTEL) {
            startOtel();
        } else if (telemetry == Telemetry.EMF) {
            startEmf(config.get(WrapperProperties.TELEMETRY_INTERVAL_S));
        }
        DefinitionMetrics made = new DefinitionMetrics(name, telemetry, this);
        DefinitionMetrics raced = definitions.putIfAbsent(name, made);
        if (raced != null) {
            return raced;
        }
        if (!closed) {
            register(made, definitionName(name));
        }
        return made;
    }

    /** The metrics of a cluster, made on first use. */
    public ClusterMetrics cluster(String key) {
        return clusters.computeIfAbsent(key, k -> new ClusterMetrics(k, this));
    }

    /** A monitor of this registry started: its cluster is shown in JMX while it runs. */
    public void attach(ClusterMonitor monitor) {
        ClusterMetrics c = cluster(monitor.key());
        monitor.recordTo(c);
        c.attach(monitor);
        if (!closed) {
            register(c, clusterName(monitor.key()));
        }
    }

    /** The monitor stopped: its cluster leaves JMX (its counts stay, and show again with the next monitor). */
    public void detach(ClusterMonitor monitor) {
        ClusterMetrics c = clusters.get(monitor.key());
        if (c != null && c.detach(monitor)) {
            unregister(clusterName(monitor.key()));
        }
    }

    Collection<DefinitionMetrics> definitions() {
        return definitions.values();
    }

    Collection<ClusterMetrics> clusters() {
        return clusters.values();
    }

    EventSink otel() {
        EventSink o = otel;
        return o == null ? EventSink.NONE : o;
    }

    /** Cluster events go to OpenTelemetry once any definition of this registry chose it. */
    EventSink clusterSink() {
        return otel();
    }

    private synchronized void startOtel() {
        if (otel != null || closed) {
            return;
        }
        try {
            OtelOutput o = (OtelOutput) Class.forName("dev.awsjca.metrics.OtelOutput", true, MetricsRegistry.class.getClassLoader())
                    .getDeclaredConstructor(MetricsRegistry.class).newInstance(this);
            o.bind();
            otel = o;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalStateException refused) { // an API too old, no server SDK: says so itself
                ConfigurationException c = new ConfigurationException(WrapperProperties.TELEMETRY.name(), refused.getMessage());
                c.initCause(refused);
                throw c;
            }
            throw otelMissing(e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw otelMissing(e);
        }
    }

    private static ConfigurationException otelMissing(Throwable cause) {
        ConfigurationException e = new ConfigurationException(WrapperProperties.TELEMETRY.name(), "Property 'telemetry' is otel,"
                + " but the OpenTelemetry API is not on the adapter's class path (" + cause + "): on WildFly enable the"
                + " opentelemetry subsystem, elsewhere make the API the application's or server's SDK uses"
                + " (io.opentelemetry:opentelemetry-api 1.57 or later) visible to the adapter (docs/METRICS.md),"
                + " or set telemetry to jmx or emf");
        e.initCause(cause);
        return e;
    }

    private synchronized void startEmf(long intervalS) {
        if (closed) {
            return;
        }
        if (emf == null) {
            emf = new EmfOutput(this, intervalS);
        } else if (emf.intervalS() != intervalS) {
            LOG.log(Level.WARNING, "telemetryIntervalS={0} ignored: the adapter''s emf lines are already written every {1} s",
                    intervalS, emf.intervalS());
        }
    }

    private void register(Object bean, ObjectName name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(bean, name);
            registered.add(name);
        } catch (InstanceAlreadyExistsException e) {
            // another adapter (another deployment) shows the same name: keep its MBean
            LOG.log(Level.DEBUG, "{0} is already registered by another adapter", name);
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "no JMX MBean " + name, e);
        }
    }

    private void unregister(ObjectName name) {
        if (registered.remove(name)) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException | RuntimeException e) {
                LOG.log(Level.DEBUG, "could not unregister " + name, e);
            }
        }
    }

    /** The adapter stops: the last EMF lines are written, every MBean and output goes. */
    @Override
    public void close() {
        EmfOutput e;
        EventSink o;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            e = emf;
            emf = null;
            o = otel;
            otel = null;
        }
        if (e != null) {
            e.close();
        }
        if (o != null) {
            o.close();
        }
        List.copyOf(registered).forEach(this::unregister);
    }

    // ---- names shared by the outputs

    /** A host's name in metrics: its instance id when the topology knows it, else its endpoint. */
    static String instance(HostSpec host) {
        return host.instanceId() != null ? host.instanceId() : host.endpoint();
    }

    /** {@code host:port} (brackets for IPv6) back to a HostSpec; null if it is not one. */
    static HostSpec parseEndpoint(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            String host = endpoint.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return HostSpec.of(host, Integer.parseInt(endpoint.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
