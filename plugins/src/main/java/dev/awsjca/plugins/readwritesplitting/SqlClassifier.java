package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.Route;

import dev.awsjca.plugins.sql.SqlLexer;
import dev.awsjca.plugins.sql.SqlLexer.Kind;

import java.util.Set;

/**
 * Decides whether a statement may run on a reader ({@code readWriteSplittingMode=sql}). Only what is
 * surely read-only goes to a reader: a {@code SELECT}, {@code WITH}, {@code VALUES}, {@code TABLE},
 * {@code SHOW} or plain {@code EXPLAIN} that locks no rows ({@code FOR UPDATE/SHARE}), creates no table
 * ({@code SELECT INTO}), modifies nothing in a {@code WITH}, and calls no function outside a list of
 * built-ins known not to write (a function may write: {@code SELECT my_fn()} goes to the writer). A hint
 * comment {@code /*@reader*\/} or {@code /*@writer*\/} anywhere in the statement decides instead.
 * Everything else, and anything the lexer cannot follow, goes to the writer.
 */
final class SqlClassifier {

    // read-only built-ins: aggregates, arithmetic, text, time, json, window and set-returning functions
    private static final WordSet READ_ONLY_FUNCTIONS = new WordSet(Set.of(
            "count", "sum", "avg", "min", "max", "coalesce", "nullif", "greatest", "least", "now", "statement_timestamp",
            "clock_timestamp", "transaction_timestamp", "lower", "upper", "length", "char_length", "octet_length",
            "substr", "substring", "trim", "btrim", "ltrim", "rtrim", "concat", "concat_ws", "replace", "abs", "round",
            "floor", "ceil", "ceiling", "mod", "power", "sqrt", "exp", "ln", "log", "sign", "trunc", "random", "to_char",
            "to_date", "to_timestamp", "to_number", "date_trunc", "date_part", "extract", "age", "make_date",
            "make_interval", "array_agg", "string_agg", "json_agg", "jsonb_agg", "json_build_object",
            "jsonb_build_object", "json_build_array", "jsonb_build_array", "json_object_agg", "jsonb_object_agg",
            "to_json", "to_jsonb", "row_to_json", "jsonb_set", "jsonb_array_length", "json_array_length",
            "jsonb_array_elements", "json_array_elements", "jsonb_each", "json_each", "jsonb_path_query",
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value", "generate_series", "unnest", "array_length", "cardinality", "array_position",
            "array_to_string", "string_to_array", "split_part", "regexp_replace", "regexp_matches", "regexp_match",
            "position", "strpos", "left", "right", "lpad", "rpad", "repeat", "reverse", "initcap", "md5", "format",
            "bool_and", "bool_or", "every", "bit_and", "bit_or", "stddev", "variance", "percentile_cont",
            "percentile_disc", "mode", "current_setting", "version", "pg_is_in_recovery", "pg_last_wal_replay_lsn",
            "pg_last_wal_receive_lsn", "pg_last_xact_replay_timestamp", "pg_backend_pid", "current_database",
            "current_schema", "current_schemas", "has_table_privilege", "pg_typeof", "pg_size_pretty",
            "pg_relation_size", "pg_total_relation_size", "pg_database_size", "date", "float8", "int4", "int8",
            "numeric", "text", "exists", "gen_random_uuid", "uuid_in", "encode", "decode", "quote_ident",
            "quote_literal", "array_remove", "array_append", "array_cat", "to_tsvector", "to_tsquery",
            "plainto_tsquery", "ts_rank", "similarity", "st_distance", "st_contains", "st_intersects"));

    // words a '(' follows that are not function calls
    private static final WordSet NOT_FUNCTIONS = new WordSet(Set.of(
            "in", "exists", "any", "all", "some", "cast", "values", "row", "array", "over", "filter", "within", "as",
            "from", "join", "where", "and", "or", "not", "on", "using", "select", "union", "intersect", "except",
            "lateral", "when", "then", "else", "is", "by", "with", "having", "case", "between", "like", "ilike",
            "distinct", "partition", "rows", "range", "groups", "recursive", "materialized", "grouping", "cube",
            "rollup", "sets", "limit", "offset", "fetch", "asc", "desc", "nulls", "escape", "similar", "to", "only",
            "into", "table", "tablesample", "interval", "timestamp", "time", "varchar", "char", "character",
            "decimal", "bit", "any_value", "explain", "analyze", "verbose", "costs", "buffers", "format", "settings",
            "wal", "timing", "summary", "true", "false", "off"));

    private SqlClassifier() {
    }

    /** Where {@code sql} may run. Null or empty text goes to the writer. */
    static Route classify(String sql) {
        if (sql == null) {
            return Route.WRITER;
        }
        SqlLexer lexer = new SqlLexer(sql);
        Route route = classify(lexer);
        // a hint anywhere in the text wins, including one after the point where the decision was made
        while (lexer.hint() == null && lexer.kind() != Kind.END) {
            lexer.next();
        }
        return lexer.hint() != null ? lexer.hint() : route;
    }

    private static Route classify(SqlLexer lexer) {
        boolean any = false;
        while (true) {
            Kind k = lexer.next();
            int open = 0;
            while (k == Kind.LEFT_PAREN) {
                open++;
                k = lexer.next(); // (SELECT ...) UNION (SELECT ...)
            }
            if (k == Kind.END) {
                return any ? Route.READER : Route.WRITER;
            }
            if (k == Kind.SEMICOLON) {
                continue;
            }
            if (lexer.hint() != null) {
                return lexer.hint();
            }
            any = true;
            if (statement(lexer, open) == Route.WRITER) {
                return Route.WRITER;
            }
            // statement() stopped at a ';' or the end: the next statement must be read-only too
        }
    }

    /** Classifies from the statement's first word to its end (a top-level ';' or the end of the text). */
    private static Route statement(SqlLexer lexer, int depth) {
        if (lexer.kind() != Kind.WORD) {
            return Route.WRITER;
        }
        if (lexer.is("explain")) {
            return explain(lexer);
        }
        if (lexer.is("show")) {
            return rest(lexer, false, depth);
        }
        if (lexer.is("select") || lexer.is("with") || lexer.is("values") || lexer.is("table")) {
            return rest(lexer, true, depth);
        }
        if (lexer.is("copy")) {
            return copy(lexer);
        }
        return Route.WRITER; // INSERT, UPDATE, DELETE, MERGE, DDL, CALL, DO, SET, LOCK, transaction control, ...
    }

    /** EXPLAIN runs its statement only with ANALYZE: then the statement decides. */
    private static Route explain(SqlLexer lexer) {
        boolean analyze = false;
        Kind k = lexer.next();
        if (k == Kind.LEFT_PAREN) {
            int depth = 1;
            while (depth > 0) {
                k = lexer.next();
                if (k == Kind.END) {
                    return Route.WRITER;
                }
                if (k == Kind.LEFT_PAREN) {
                    depth++;
                } else if (k == Kind.RIGHT_PAREN) {
                    depth--;
                } else if (lexer.is("analyze") || lexer.is("analyse")) {
                    analyze = true; // ANALYZE false is rare enough to treat as analyze: the writer is always safe
                }
            }
            k = lexer.next();
        }
        while (k == Kind.WORD && (lexer.is("analyze") || lexer.is("analyse") || lexer.is("verbose"))) {
            analyze |= !lexer.is("verbose");
            k = lexer.next();
        }
        if (k == Kind.END) {
            return Route.WRITER;
        }
        if (!analyze) {
            return rest(lexer, false, 0); // only planned, never run
        }
        while (k == Kind.LEFT_PAREN) {
            k = lexer.next();
        }
        return statement(lexer, 0);
    }

    /** COPY ... TO writes a file or stdout from a table or query; COPY ... FROM loads a table. */
    private static Route copy(SqlLexer lexer) {
        int depth = 0;
        Route query = Route.READER;
        while (true) {
            Kind k = lexer.next();
            if (k == Kind.END || (k == Kind.SEMICOLON && depth == 0)) {
                return Route.WRITER; // neither FROM nor TO at the top level
            }
            if (k == Kind.LEFT_PAREN) {
                if (depth == 0) {
                    Kind first = lexer.next();
                    depth++;
                    if (first == Kind.WORD) {
                        query = statement(lexer, 0); // COPY (query) TO: the query decides; it consumed its ')' too
                        depth--;
                        if (query == Route.WRITER) {
                            return Route.WRITER;
                        }
                    }
                    continue;
                }
                depth++;
            } else if (k == Kind.RIGHT_PAREN) {
                depth--;
            } else if (depth == 0 && lexer.is("from")) {
                return Route.WRITER;
            } else if (depth == 0 && lexer.is("to")) {
                return query == Route.READER && rest(lexer, false, 0) == Route.READER ? Route.READER : Route.WRITER;
            }
        }
    }

    private static boolean isCallOfUnknownFunction(String sql, int start, int end) {
        return !NOT_FUNCTIONS.contains(sql, start, end) && !READ_ONLY_FUNCTIONS.contains(sql, start, end);
    }

    /**
     * Reads to the end of the statement. With {@code query}, looks for what makes a query write: a
     * data-modifying word, row locks, SELECT INTO, a function not known to be read-only.
     */
    private static Route rest(SqlLexer lexer, boolean query, int base) {
        int depth = base;
        int pendingStart = -1; // a word that a '(' would make a function call
        int pendingEnd = -1;
        boolean pendingIsType = false; // it followed '::' or AS: numeric(10,2), varchar(20), alias(a, b)
        boolean previousCastOrAs = false;
        boolean previousFor = false;
        while (true) {
            Kind k = lexer.next();
            if (lexer.hint() != null) {
                return lexer.hint();
            }
            if (k == Kind.END || (k == Kind.SEMICOLON && depth <= 0)) {
                return Route.READER;
            }
            if (k == Kind.RIGHT_PAREN && depth == 0) {
                return Route.READER; // the end of a parenthesized statement (EXPLAIN, COPY)
            }
            if (!query) {
                continue;
            }
            if (k == Kind.LEFT_PAREN) {
                if (pendingStart >= 0 && !pendingIsType && isCallOfUnknownFunction(lexer.source(), pendingStart, pendingEnd)) {
                    return Route.WRITER; // a function that may write: only the writer can run it
                }
                depth++;
            } else if (k == Kind.RIGHT_PAREN) {
                depth--;
            }
            pendingStart = -1;
            if (k == Kind.WORD) {
                if (lexer.is("insert") || lexer.is("update") || lexer.is("delete") || lexer.is("merge")) {
                    return Route.WRITER; // FOR UPDATE (a row lock) or a data-modifying WITH
                }
                if (previousFor && (lexer.is("share") || lexer.is("no") || lexer.is("key"))) {
                    return Route.WRITER; // FOR SHARE, FOR NO KEY UPDATE, FOR KEY SHARE: row locks
                }
                if (depth == base && lexer.is("into")) {
                    return Route.WRITER; // SELECT ... INTO new_table
                }
                // whether the word names a function is looked up only if a '(' follows it
                pendingStart = lexer.start();
                pendingEnd = lexer.end();
                pendingIsType = previousCastOrAs;
                previousFor = lexer.is("for");
                previousCastOrAs = lexer.is("as");
            } else if (k == Kind.QUOTED_IDENTIFIER) {
                // a quoted name before '(' is never on the list of built-ins: a user function, unless a type
                pendingStart = lexer.start();
                pendingEnd = lexer.start();
                pendingIsType = previousCastOrAs;
                previousFor = false;
                previousCastOrAs = false;
            } else {
                previousFor = false;
                previousCastOrAs = k == Kind.CAST;
            }
        }
    }
}
