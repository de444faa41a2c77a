package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.PluginContext;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/** {@code plugins=...,hostMonitoring}: enhanced failure monitoring. */
public final class HostMonitoringPluginFactory implements ConnectionPluginFactory {

    @Override
    public String code() {
        return "hostMonitoring";
    }

    @Override
    public ConnectionPlugin create(PluginContext context) throws SQLException {
        // The cluster (its monitor, shared host health, the writer search) is joined by the failover plugin;
        // without it a dead host's connections would be aborted with nobody to move them. It must come first
        // so that it sees the aborted statement's error and this plugin never sees (and rewraps) its outcome.
        java.util.List<String> codes = context.config().pluginCodes();
        if (codes.indexOf("failover") < 0 || codes.indexOf("failover") > codes.indexOf(code())) {
            throw new SQLNonTransientConnectionException("Property 'plugins': hostMonitoring needs the failover plugin"
                    + " before it (e.g. plugins=failover,hostMonitoring), which moves the connections it aborts", "08001");
        }
        return new HostMonitoringPlugin(context, MonitoringSettings.from(context.config()));
    }
}
