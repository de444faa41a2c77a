package dev.awsjca.plugins.failover;

/** Where a failover may land. */
public enum FailoverMode {
    /** Only the writer: the connection keeps taking writes. */
    STRICT_WRITER("strict-writer"),
    /** A reader if one answers, else the writer: for read-only work that must go on. */
    READER_OR_WRITER("reader-or-writer"),
    /** Only a reader. */
    STRICT_READER("strict-reader");

    private final String code;

    FailoverMode(String code) {
        this.code = code;
    }

    static FailoverMode of(String code) {
        for (FailoverMode m : values()) {
            if (m.code.equals(code)) {
                return m;
            }
        }
        throw new IllegalArgumentException(code);
    }

    @Override
    public String toString() {
        return code;
    }
}
