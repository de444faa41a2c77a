import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the boring half of the JDBC wrappers at build time, from the java.sql interfaces themselves.
 *
 * <p>For each wrapped interface it writes an abstract {@code <Interface>Methods} class whose every method
 * looks up the plugin chain composed for it (one array load) and, when no plugin subscribed, calls the
 * pgjdbc object directly. Only methods with behaviour (identity of returned wrappers, close) are written
 * by hand, in the {@code *Wrapper} classes that extend these. It also writes the {@code JdbcMethod} enum
 * plugins subscribe with: one constant per interface and method name (overloads share one).
 *
 * <p>Run by the build with the JDK's single-file launcher: {@code java JdbcWrapperGenerator.java OUTDIR}.
 */
public class JdbcWrapperGenerator {

    /** A wrapped interface: its generated class, what that class extends, and its type parameter if any. */
    record Wrapped(Class<?> iface, String generated, String superclass, String typeParam) {}

    static final List<Wrapped> WRAPPED = List.of(
            new Wrapped(Connection.class, "ConnectionMethods", "WrapperSupport", null),
            new Wrapped(Statement.class, "StatementMethods", "WrapperSupport", "D extends java.sql.Statement"),
            new Wrapped(PreparedStatement.class, "PreparedStatementMethods", "StatementWrapper<D>", "D extends java.sql.PreparedStatement"),
            new Wrapped(CallableStatement.class, "CallableStatementMethods", "PreparedStatementWrapper<D>", "D extends java.sql.CallableStatement"),
            new Wrapped(ResultSet.class, "ResultSetMethods", "WrapperSupport", null),
            new Wrapped(DatabaseMetaData.class, "DatabaseMetaDataMethods", "WrapperSupport", null),
            new Wrapped(Array.class, "ArrayMethods", "WrapperSupport", null));

    /**
     * Methods written by hand in the *Wrapper classes: they return the wrapper that owns the object, which
     * only the hand-written class knows. They do not reach the server, so they are not part of the pipeline.
     */
    static final Set<String> HAND_WRITTEN = Set.of(
            "Statement.getConnection",
            "ResultSet.getStatement",
            "DatabaseMetaData.getConnection");

    /** Returned JDBC objects are wrapped so that every object the application sees runs the pipeline. */
    static final Map<Class<?>, String> WRAP = Map.of(
            Statement.class, "wrapStatement",
            PreparedStatement.class, "wrapPreparedStatement",
            CallableStatement.class, "wrapCallableStatement",
            ResultSet.class, "wrapResultSet",
            DatabaseMetaData.class, "wrapMetaData",
            Array.class, "wrapArray",
            // getObject: an array column's value is an Array, which leads back to the connection
            Object.class, "wrapObject");

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<String> enumLines = new ArrayList<>();
        for (Wrapped w : WRAPPED) {
            for (Method m : methodsOf(w.iface())) {
                String key = w.iface().getSimpleName() + "." + m.getName();
                if (!ids.containsKey(key)) {
                    ids.put(key, ids.size());
                    enumLines.add("    " + constant(key) + "(\"" + w.iface().getSimpleName() + "\", \"" + m.getName() + "\")");
                }
            }
        }
        write(out.resolve("dev/awsjca/pipeline/JdbcMethod.java"), jdbcMethodEnum(enumLines));
        for (Wrapped w : WRAPPED) {
            write(out.resolve("dev/awsjca/jdbc/" + w.generated() + ".java"), wrapperClass(w, ids));
        }
    }

    /** The methods an interface declares itself, in a stable order; static ones and redeclarations excluded. */
    static List<Method> methodsOf(Class<?> iface) {
        return Arrays.stream(iface.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
                .filter(m -> !declaredBySuperInterface(iface, m))
                .sorted(Comparator.comparing(Method::getName).thenComparing(JdbcWrapperGenerator::signature))
                .collect(Collectors.toList());
    }

    static boolean declaredBySuperInterface(Class<?> iface, Method m) {
        for (Class<?> parent : iface.getInterfaces()) {
            if (WRAPPED.stream().noneMatch(w -> w.iface() == parent)) {
                continue; // Wrapper and AutoCloseable: their methods are ours to write per interface
            }
            try {
                parent.getMethod(m.getName(), m.getParameterTypes());
                return true;
            } catch (NoSuchMethodException e) {
                // not inherited: the interface declares it
            }
        }
        return false;
    }

    static String signature(Method m) {
        return Arrays.stream(m.getParameterTypes()).map(Class::getName).collect(Collectors.joining(","));
    }

    static String constant(String key) {
        String iface = key.substring(0, key.indexOf('.'));
        String method = key.substring(key.indexOf('.') + 1);
        return snake(iface) + "_" + snake(method);
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2").toUpperCase();
    }

    static String jdbcMethodEnum(List<String> lines) {
        return """
                package dev.awsjca.pipeline;

                /**
                 * A JDBC method a plugin can subscribe to: one constant per wrapped interface and method name
                 * (all overloads share it). Generated at build time from the java.sql interfaces.
                 */
                @javax.annotation.processing.Generated("JdbcWrapperGenerator")
                public enum JdbcMethod {
                %s;

                    private final String interfaceName;
                    private final String methodName;

                    JdbcMethod(String interfaceName, String methodName) {
                        this.interfaceName = interfaceName;
                        this.methodName = methodName;
                    }

                    /** The java.sql interface declaring the method, e.g. {@code PreparedStatement}. */
                    public String interfaceName() {
                        return interfaceName;
                    }

                    /** The method's name, e.g. {@code executeQuery}. */
                    public String methodName() {
                        return methodName;
                    }

                    /** {@code Interface.method}, the form used in logs and in {@link JdbcMethods#matching}. */
                    @Override
                    public String toString() {
                        return interfaceName + "." + methodName;
                    }
                }
                """.formatted(String.join(",\n", lines));
    }

    static String wrapperClass(Wrapped w, Map<String, Integer> ids) {
        StringBuilder b = new StringBuilder();
        String iface = w.iface().getName();
        String typeParam = w.typeParam() == null ? "" : "<" + w.typeParam() + ">";
        String delegateType = w.typeParam() == null ? iface : "D";
        b.append("package dev.awsjca.jdbc;\n\n");
        b.append("import dev.awsjca.pipeline.JdbcCall;\n");
        b.append("import dev.awsjca.pipeline.JdbcChain;\n");
        b.append("import dev.awsjca.pipeline.JdbcMethod;\n\n");
        b.append("/** Delegation of {@link ").append(iface).append("} through the plugin pipeline. Generated by JdbcWrapperGenerator. */\n");
        b.append("@javax.annotation.processing.Generated(\"JdbcWrapperGenerator\")\n");
        b.append("public abstract class ").append(w.generated()).append(typeParam)
                .append(" extends ").append(w.superclass()).append(" implements ").append(iface).append(" {\n\n");
        if (w.superclass().equals("WrapperSupport")) {
            b.append("    ").append(w.generated()).append("(ConnectionWrapper owner, JdbcChain[] chains) {\n");
            b.append("        super(owner, chains);\n    }\n\n");
        } else {
            String sql = w.iface() == CallableStatement.class ? ", String sql" : "";
            b.append("    ").append(w.generated()).append("(ConnectionWrapper owner, D delegate").append(sql).append(") {\n");
            b.append("        super(owner, delegate").append(sql.isEmpty() ? "" : ", sql").append(");\n    }\n\n");
        }
        if (w.superclass().equals("WrapperSupport")) {
            b.append("    /** The pgjdbc object calls go to. */\n");
            b.append("    @Override\n    protected abstract ").append(delegateType).append(" delegate();\n\n");
        }
        for (Method m : methodsOf(w.iface())) {
            String key = w.iface().getSimpleName() + "." + m.getName();
            if (HAND_WRITTEN.contains(key)) {
                continue;
            }
            b.append(method(m, key, ids.get(key)));
        }
        b.append("}\n");
        return b.toString();
    }

    static String method(Method m, String key, int id) {
        Type[] params = m.getGenericParameterTypes();
        List<String> names = new ArrayList<>();
        List<String> decls = new ArrayList<>();
        List<String> passed = new ArrayList<>(); // what pgjdbc gets: its own Array, not our wrapper of it
        for (int i = 0; i < params.length; i++) {
            names.add("a" + i);
            decls.add(params[i].getTypeName() + " a" + i);
            Class<?> type = m.getParameterTypes()[i];
            passed.add(type == Array.class || type == Object.class ? "unwrapped(a" + i + ")" : "a" + i);
        }
        String returnType = m.getGenericReturnType().getTypeName();
        boolean isVoid = m.getReturnType() == void.class;
        String boxed = isVoid ? "Void" : box(m.getReturnType(), returnType);
        String wrap = WRAP.get(m.getReturnType());
        if (m.getGenericReturnType() instanceof TypeVariable<?> t) {
            wrap = "(" + t.getName() + ") " + wrap; // getObject(int, Class<T>): T is Object once erased
        }
        if (wrap != null && wrap.matches("wrap(Prepared|Callable)Statement") && params.length > 0 && params[0] == String.class) {
            wrap = wrap + "Of"; // the wrapper keeps its SQL: plugins read it (failover: read-only or not)
        }
        if (m.getReturnType() == Connection.class) {
            throw new IllegalStateException(key + " returns a Connection: write it by hand (identity of the wrapper)");
        }
        String typeVars = typeVariables(m.getTypeParameters());
        String throwsClause = Arrays.stream(m.getExceptionTypes()).map(Class::getName).collect(Collectors.joining(", "));
        boolean throwsSql = Arrays.asList(m.getExceptionTypes()).contains(SQLException.class);
        // setClientInfo declares only SQLClientInfoException: a plugin's SQLException is converted to it
        Class<?> narrowSql = throwsSql ? null : Arrays.stream(m.getExceptionTypes())
                .filter(SQLException.class::isAssignableFrom).findFirst().orElse(null);
        String call = "delegate()." + m.getName() + "(" + String.join(", ", passed) + ")";
        String args = names.isEmpty() ? "JdbcCall.NO_ARGS" : "new Object[] {" + String.join(", ", names) + "}";

        StringBuilder b = new StringBuilder();
        b.append("    @Override\n    public ").append(typeVars).append(returnType).append(' ').append(m.getName())
                .append('(').append(String.join(", ", decls)).append(')');
        if (!throwsClause.isEmpty()) {
            b.append(" throws ").append(throwsClause);
        }
        b.append(" {\n");
        if (!throwsSql && narrowSql == null) {
            // no SQLException to report a plugin's failure with: such methods are not part of the pipeline
            b.append("        ").append(isVoid ? "" : "return ").append(wrapped(wrap, call)).append(";\n    }\n\n");
            return b.toString();
        }
        b.append("        JdbcChain chain = chains[").append(id).append("]; // ").append(key).append('\n');
        b.append("        if (chain == null) {\n");
        if (isVoid) {
            b.append("            ").append(call).append(";\n            return;\n");
        } else {
            b.append("            return ").append(wrapped(wrap, call)).append(";\n");
        }
        b.append("        }\n");
        String lambda = isVoid ? "() -> {\n            " + call + ";\n            return null;\n        }" : "() -> " + call;
        String proceed = "chain.proceed(new JdbcCall<" + boxed + ">(JdbcMethod." + constant(key) + ", this, " + args + ", " + lambda + "))";
        if (narrowSql == null) {
            b.append("        ").append(isVoid ? "" : "return ").append(wrapped(wrap, proceed)).append(";\n    }\n\n");
            return b.toString();
        }
        String narrow = narrowSql.getName();
        b.append("        try {\n");
        b.append("            ").append(isVoid ? "" : "return ").append(wrapped(wrap, proceed)).append(";\n");
        b.append("        } catch (").append(narrow).append(" e) {\n            throw e;\n");
        b.append("        } catch (java.sql.SQLException e) {\n");
        b.append("            throw new ").append(narrow).append("(e.getMessage(), e.getSQLState(), e.getErrorCode(), null, e);\n");
        b.append("        }\n    }\n\n");
        return b.toString();
    }

    static String wrapped(String wrap, String expression) {
        if (wrap == null) {
            return expression;
        }
        return wrap.endsWith("Of") ? wrap + "(" + expression + ", a0)" : wrap + "(" + expression + ")";
    }

    static String typeVariables(TypeVariable<Method>[] vars) {
        if (vars.length == 0) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (TypeVariable<Method> v : vars) {
            List<String> bounds = Arrays.stream(v.getBounds()).map(Type::getTypeName)
                    .filter(n -> !n.equals("java.lang.Object")).collect(Collectors.toList());
            out.add(bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds));
        }
        return "<" + String.join(", ", out) + "> ";
    }

    static String box(Class<?> type, String genericName) {
        if (!type.isPrimitive()) {
            return genericName;
        }
        return switch (type.getName()) {
            case "int" -> "Integer";
            case "char" -> "Character";
            default -> Character.toUpperCase(type.getName().charAt(0)) + type.getName().substring(1);
        };
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file) && Files.readString(file).equals(text)) {
            return; // unchanged: keep the timestamp so the compiler has nothing new to do
        }
        Files.writeString(file, text);
    }
}
