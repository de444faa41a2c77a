package dev.awsjca.it.heap;

/**
 * An open-addressing map from a non-zero long to a long, for the millions of object ids of a heap dump
 * (a HashMap of boxed Longs would take several times the dump's size). {@link #get} answers -1 when absent.
 */
final class LongLongMap {

    private long[] keys;
    private long[] values;
    private int size;

    LongLongMap(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1);
        keys = new long[n];
        values = new long[n];
    }

    void put(long key, long value) {
        if (key == 0) {
            throw new IllegalArgumentException("0 is the empty slot");
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    long get(long key) {
        if (key == 0) {
            return -1;
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return -1;
    }

    boolean contains(long key) {
        return get(key) != -1;
    }

    int size() {
        return size;
    }

    /** Receives one entry. */
    interface Entry {
        void accept(long key, long value);
    }

    void forEach(Entry entry) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                entry.accept(keys[i], values[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L; // ids are aligned addresses: spread their low bits
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
