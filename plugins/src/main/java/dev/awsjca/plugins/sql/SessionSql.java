package dev.awsjca.plugins.sql;

import dev.awsjca.pipeline.SessionState;
import dev.awsjca.plugins.sql.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Session parameters set with SQL ({@code SET application_name = ...}, {@code SET search_path TO ...},
 * {@code RESET ...}, {@code DISCARD ALL}), recorded in the session so that they are carried to every
 * physical connection. Inside a transaction they take effect at commit and vanish at rollback, as in
 * PostgreSQL; {@code SET LOCAL} and {@code SET TRANSACTION} last one transaction and are not carried.
 */
public final class SessionSql {

    private record Change(String name, String statement) {
    }

    private final List<Change> pending = new ArrayList<>();

    /** Records {@code sql} if it sets a session parameter; true when the session changed now. */
    public boolean executed(String sql, SessionState session, boolean autoCommit) {
        Change change = parse(sql);
        if (change == null) {
            return false;
        }
        if (!autoCommit) {
            pending.add(change);
            return false;
        }
        apply(change, session);
        return true;
    }

    public void commit(SessionState session) {
        for (Change c : pending) {
            apply(c, session);
        }
        pending.clear();
    }

    public void rollback() {
        pending.clear();
    }

    private static void apply(Change c, SessionState session) {
        if (c.statement() != null) {
            session.setParameter(c.name(), c.statement());
        } else if (c.name() == null) {
            session.resetParameters();
        } else {
            session.resetParameter(c.name());
        }
    }

    /** The change {@code sql} makes to the session, or null (not a SET/RESET, or one not to carry). */
    static Change parse(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        if (lexer.next() != Kind.WORD) {
            return null;
        }
        if (lexer.is("discard")) {
            return lexer.next() == Kind.WORD && lexer.is("all") && atEnd(lexer) ? new Change(null, null) : null;
        }
        boolean set = lexer.is("set");
        if (!set && !lexer.is("reset")) {
            return null;
        }
        if (lexer.next() != Kind.WORD) {
            return null;
        }
        if (set && lexer.is("session")) {
            if (lexer.next() != Kind.WORD || lexer.is("characteristics")) {
                return null;
            }
        }
        if (lexer.is("local") || lexer.is("transaction") || lexer.is("constraints") || lexer.is("characteristics")) {
            return null;
        }
        String name = lexer.word();
        if (lexer.is("time")) {
            name = "timezone"; // SET TIME ZONE
        } else if (lexer.is("all") && !set) {
            return atEnd(lexer) ? new Change(null, null) : null;
        }
        // the name may be qualified (a custom setting: my_app.tenant)
        int afterName = lexer.end();
        Kind k = lexer.next();
        while (k == Kind.OTHER && sql.charAt(lexer.start()) == '.' && lexer.next() == Kind.WORD) {
            name = name + "." + lexer.word();
            afterName = lexer.end();
            k = lexer.next();
        }
        if (!set) {
            return k == Kind.END || (k == Kind.SEMICOLON && lexer.next() == Kind.END) ? new Change(name, null) : null;
        }
        // SET name ... : everything up to the end, a single statement
        while (k != Kind.END && k != Kind.SEMICOLON) {
            k = lexer.next();
        }
        if (k == Kind.SEMICOLON && lexer.next() != Kind.END) {
            return null; // several statements in one string: not recorded
        }
        String statement = sql.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1);
        }
        return afterName > 0 ? new Change(name, statement) : null;
    }

    private static boolean atEnd(SqlLexer lexer) {
        Kind k = lexer.next();
        return k == Kind.END || (k == Kind.SEMICOLON && lexer.next() == Kind.END);
    }
}
