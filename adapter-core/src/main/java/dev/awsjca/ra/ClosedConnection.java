package dev.awsjca.ra;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a handle delegates to once closed (or once its managed connection is cleaned up or destroyed): a
 * null object on which every call fails with "connection closed" (08003), except the ones JDBC allows on
 * a closed connection. The handle never reaches a pooled connection another component now uses.
 */
final class ClosedConnection {

    static final Connection INSTANCE = (Connection) Proxy.newProxyInstance(ClosedConnection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "close" -> null;
                case "isClosed" -> true;
                case "isValid" -> false;
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "AwsConnection[closed]";
                default -> throw closed();
            });

    private ClosedConnection() {
    }

    static SQLException closed() {
        return new SQLException("connection closed", "08003");
    }
}
