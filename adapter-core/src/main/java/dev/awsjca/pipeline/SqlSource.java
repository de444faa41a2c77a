package dev.awsjca.pipeline;

/** A JDBC object that carries its SQL (a prepared or callable statement). */
public interface SqlSource {
    String sql();
}
