package dev.awsjca.it.heap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A heap dump in the HPROF format that {@code jcmd <pid> GC.heap_dump} writes, indexed so that its objects'
 * references can be walked: the classes (their fields, statics, loader), where each object's record lies in
 * the file, and the GC roots. Written for diagnosing class loader leaks in the test server; it reads the
 * dump once and keeps only ids and offsets, so a dump of the tests' 512 MB heap indexes in seconds.
 */
final class HeapDump {

    static final int OBJECT = 2;
    private static final int INSTANCE_DUMP = 0x21;
    private static final int OBJECT_ARRAY_DUMP = 0x22;
    private static final int PRIMITIVE_ARRAY_DUMP = 0x23;
    private static final int CLASS_DUMP = 0x20;

    /** A class as the dump describes it; field names are resolved once, at indexing. */
    record ClassDump(long id, String name, long superId, long loaderId, long signersId, long protectionDomainId,
                     List<String> staticNames, long[] staticRefs, List<String> fieldNames, byte[] fieldTypes) {
    }

    /**
     * A GC root: the object, the kind of root, for thread-bound roots the thread's serial number, and for a
     * Java frame its depth in the thread's stack (-1 otherwise).
     */
    record Root(long objectId, String kind, int threadSerial, int frame) {
        Root(long objectId, String kind, int threadSerial) {
            this(objectId, kind, threadSerial, -1);
        }
    }

    /** Receives one reference of an object: an instance's field name always, other labels only when asked for. */
    interface Edges {
        void edge(long target, String label);
    }

    private final ByteBuffer data;
    private final int idSize;
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, Long> classNameIds = new HashMap<>();
    private final Map<Integer, Long> classNameIdsBySerial = new HashMap<>();
    private final Map<Long, int[]> frames = new HashMap<>(); // frame id -> its record's body offset
    private final Map<Integer, long[]> stacksByThread = new HashMap<>(); // thread serial -> frame ids, top first
    private final Map<Long, ClassDump> classes = new HashMap<>();
    private final LongLongMap objectOffsets = new LongLongMap(1 << 20);
    private final List<Root> roots = new ArrayList<>();
    private final Map<Integer, Long> threadsBySerial = new HashMap<>();
    private final List<int[]> pendingClassDumps = new ArrayList<>(); // class dumps come before their names may be known

    private HeapDump(ByteBuffer data) {
        this.data = data;
        int p = 0;
        while (data.get(p) != 0) {
            p++;
        }
        idSize = data.getInt(p + 1);
        index(p + 1 + 4 + 8);
    }

    static HeapDump open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(file + " is over 2 GiB: this reader maps it whole (the test server's heap is 512 MB)");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return new HeapDump(mapped);
        }
    }

    private void index(int start) {
        int p = start;
        int end = data.limit();
        while (p < end) {
            int tag = data.get(p) & 0xff;
            long length = Integer.toUnsignedLong(data.getInt(p + 5));
            int body = p + 9;
            switch (tag) {
                case 0x01 -> strings.put(id(body), new String(bytes(body + idSize, (int) length - idSize), StandardCharsets.UTF_8));
                case 0x02 -> {
                    classNameIds.put(id(body + 4), id(body + 8 + idSize));
                    classNameIdsBySerial.put(data.getInt(body), id(body + 8 + idSize));
                }
                case 0x04 -> frames.put(id(body), new int[] {body});
                case 0x05 -> {
                    long[] stack = new long[data.getInt(body + 8)];
                    for (int i = 0; i < stack.length; i++) {
                        stack[i] = id(body + 12 + i * idSize);
                    }
                    stacksByThread.put(data.getInt(body + 4), stack);
                }
                case 0x0C, 0x1C -> indexHeap(body, (int) (body + length));
                default -> { } // stack traces, frames, end markers: not needed
            }
            p = (int) (body + length);
        }
        for (int[] at : pendingClassDumps) {
            ClassDump c = readClassDump(at[0]);
            classes.put(c.id(), c);
        }
        pendingClassDumps.clear();
    }

    private void indexHeap(int start, int end) {
        int p = start;
        while (p < end) {
            int tag = data.get(p) & 0xff;
            int q = p + 1;
            switch (tag) {
                case 0xFF -> { roots.add(new Root(id(q), "unknown", -1)); q += idSize; }
                case 0x01 -> { roots.add(new Root(id(q), "JNI global", -1)); q += 2 * idSize; }
                case 0x02 -> { roots.add(new Root(id(q), "JNI local", data.getInt(q + idSize))); q += idSize + 8; }
                case 0x03 -> { roots.add(new Root(id(q), "Java frame", data.getInt(q + idSize), data.getInt(q + idSize + 4))); q += idSize + 8; }
                case 0x04 -> { roots.add(new Root(id(q), "native stack", data.getInt(q + idSize))); q += idSize + 4; }
                case 0x05 -> { roots.add(new Root(id(q), "system class", -1)); q += idSize; }
                case 0x06 -> { roots.add(new Root(id(q), "thread block", data.getInt(q + idSize))); q += idSize + 4; }
                case 0x07 -> { roots.add(new Root(id(q), "monitor used", -1)); q += idSize; }
                case 0x08 -> {
                    roots.add(new Root(id(q), "thread", data.getInt(q + idSize)));
                    threadsBySerial.put(data.getInt(q + idSize), id(q));
                    q += idSize + 8;
                }
                case CLASS_DUMP -> {
                    pendingClassDumps.add(new int[] {p});
                    q = skipClassDump(q);
                }
                case INSTANCE_DUMP -> {
                    objectOffsets.put(id(q), p);
                    q += idSize + 4 + idSize;
                    q += 4 + data.getInt(q);
                }
                case OBJECT_ARRAY_DUMP -> {
                    objectOffsets.put(id(q), p);
                    int n = data.getInt(q + idSize + 4);
                    q += idSize + 8 + idSize + n * idSize;
                }
                case PRIMITIVE_ARRAY_DUMP -> {
                    objectOffsets.put(id(q), p);
                    int n = data.getInt(q + idSize + 4);
                    q += idSize + 9 + n * size(data.get(q + idSize + 8));
                }
                default -> throw new IllegalStateException("unknown heap dump record 0x" + Integer.toHexString(tag) + " at " + p);
            }
            p = q;
        }
    }

    private int skipClassDump(int q) {
        q += 7 * idSize + 4 + 4;
        int constants = data.getShort(q) & 0xffff;
        q += 2;
        for (int i = 0; i < constants; i++) {
            q += 2 + 1 + size(data.get(q + 2));
        }
        int statics = data.getShort(q) & 0xffff;
        q += 2;
        for (int i = 0; i < statics; i++) {
            q += idSize + 1 + size(data.get(q + idSize));
        }
        int fields = data.getShort(q) & 0xffff;
        return q + 2 + fields * (idSize + 1);
    }

    private ClassDump readClassDump(int p) {
        int q = p + 1;
        long id = id(q);
        long superId = id(q + idSize + 4);
        long loaderId = id(q + 2 * idSize + 4);
        long signersId = id(q + 3 * idSize + 4);
        long domainId = id(q + 4 * idSize + 4);
        q += 7 * idSize + 4 + 4;
        int constants = data.getShort(q) & 0xffff;
        q += 2;
        for (int i = 0; i < constants; i++) {
            q += 2 + 1 + size(data.get(q + 2));
        }
        int statics = data.getShort(q) & 0xffff;
        q += 2;
        List<String> staticNames = new ArrayList<>();
        List<Long> staticRefs = new ArrayList<>();
        for (int i = 0; i < statics; i++) {
            byte type = data.get(q + idSize);
            if (type == OBJECT) {
                staticNames.add(string(id(q)));
                staticRefs.add(id(q + idSize + 1));
            }
            q += idSize + 1 + size(type);
        }
        int fields = data.getShort(q) & 0xffff;
        q += 2;
        List<String> fieldNames = new ArrayList<>();
        byte[] fieldTypes = new byte[fields];
        for (int i = 0; i < fields; i++) {
            fieldNames.add(string(id(q)));
            fieldTypes[i] = data.get(q + idSize);
            q += idSize + 1;
        }
        String name = string(classNameIds.getOrDefault(id, 0L)).replace('/', '.');
        return new ClassDump(id, name, superId, loaderId, signersId, domainId, staticNames,
                staticRefs.stream().mapToLong(Long::longValue).toArray(), fieldNames, fieldTypes);
    }

    // ---- what the walkers ask

    List<Root> roots() {
        return roots;
    }

    ClassDump classDump(long id) {
        return classes.get(id);
    }

    Iterable<ClassDump> classes() {
        return classes.values();
    }

    /** Every instance whose class is one of these. */
    List<Long> instancesOf(java.util.Set<Long> classIds) {
        List<Long> found = new ArrayList<>();
        objectOffsets.forEach((id, at) -> {
            if ((data.get((int) at) & 0xff) == INSTANCE_DUMP && classIds.contains(id((int) at + 1 + idSize + 4))) {
                found.add(id);
            }
        });
        return found;
    }

    /** The method of a Java frame root, as Class.method(line), or null when the dump has no stack for it. */
    String frame(Root root) {
        long[] stack = stacksByThread.get(root.threadSerial());
        if (stack == null || root.frame() < 0 || root.frame() >= stack.length || !frames.containsKey(stack[root.frame()])) {
            return null;
        }
        int p = frames.get(stack[root.frame()])[0];
        String method = string(id(p + idSize));
        String className = string(classNameIdsBySerial.getOrDefault(data.getInt(p + 4 * idSize), 0L)).replace('/', '.');
        return className + "." + method + "(line " + data.getInt(p + 4 * idSize + 4) + ")";
    }

    /** The thread object of a thread-bound root, or 0. */
    long thread(int serial) {
        return threadsBySerial.getOrDefault(serial, 0L);
    }

    /** The class of an instance or array (0 for a class object or an id not in the dump). */
    long classOf(long objectId) {
        long at = objectOffsets.get(objectId);
        if (at < 0) {
            return 0;
        }
        int p = (int) at;
        int tag = data.get(p) & 0xff;
        return switch (tag) {
            case INSTANCE_DUMP -> id(p + 1 + idSize + 4);
            case OBJECT_ARRAY_DUMP -> id(p + 1 + idSize + 8);
            default -> 0;
        };
    }

    boolean isInstanceOf(long classId, String className) {
        for (ClassDump c = classes.get(classId); c != null; c = classes.get(c.superId())) {
            if (c.name().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /** Every reference an object holds, in the order of its fields (its class first). */
    void references(long objectId, boolean withLabels, Edges edges) {
        ClassDump asClass = classes.get(objectId);
        if (asClass != null) {
            edges.edge(asClass.superId(), withLabels ? "(superclass)" : null);
            edges.edge(asClass.loaderId(), withLabels ? "(class loader)" : null);
            edges.edge(asClass.signersId(), withLabels ? "(signers)" : null);
            edges.edge(asClass.protectionDomainId(), withLabels ? "(protection domain)" : null);
            for (int i = 0; i < asClass.staticRefs().length; i++) {
                edges.edge(asClass.staticRefs()[i], withLabels ? "static " + asClass.staticNames().get(i) : null);
            }
            return;
        }
        long at = objectOffsets.get(objectId);
        if (at < 0) {
            return;
        }
        int p = (int) at;
        int tag = data.get(p) & 0xff;
        if (tag == INSTANCE_DUMP) {
            long classId = id(p + 1 + idSize + 4);
            edges.edge(classId, withLabels ? "(class)" : null);
            int q = p + 1 + idSize + 4 + idSize + 4;
            for (ClassDump c = classes.get(classId); c != null; c = classes.get(c.superId())) {
                for (int i = 0; i < c.fieldTypes().length; i++) {
                    if (c.fieldTypes()[i] == OBJECT) {
                        edges.edge(id(q), c.fieldNames().get(i)); // names are made once per class: no cost
                    }
                    q += size(c.fieldTypes()[i]);
                }
            }
        } else if (tag == OBJECT_ARRAY_DUMP) {
            int n = data.getInt(p + 1 + idSize + 4);
            edges.edge(id(p + 1 + idSize + 8), withLabels ? "(class)" : null);
            int q = p + 1 + idSize + 8 + idSize;
            for (int i = 0; i < n; i++) {
                edges.edge(id(q + i * idSize), withLabels ? "[" + i + "]" : null);
            }
        }
    }

    /** An object field of an instance by name (searched from its class up), or 0. */
    long field(long objectId, String fieldName) {
        long[] found = {0};
        references(objectId, true, (target, label) -> {
            if (found[0] == 0 && fieldName.equals(label)) {
                found[0] = target;
            }
        });
        return found[0];
    }

    /** A java.lang.String's text (Latin-1 or UTF-16 as the JDK stores it), or null. */
    String text(long stringId) {
        long value = field(stringId, "value");
        long at = objectOffsets.get(value);
        if (value == 0 || at < 0) {
            return null;
        }
        int p = (int) at;
        int n = data.getInt(p + 1 + idSize + 4);
        byte[] raw = bytes(p + 1 + idSize + 9, n);
        boolean latin1 = raw.length == 0 || primitiveField(stringId, "coder") == 0;
        return new String(raw, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
    }

    private int primitiveField(long objectId, String fieldName) {
        int p = (int) objectOffsets.get(objectId);
        long classId = id(p + 1 + idSize + 4);
        int q = p + 1 + idSize + 4 + idSize + 4;
        for (ClassDump c = classes.get(classId); c != null; c = classes.get(c.superId())) {
            for (int i = 0; i < c.fieldTypes().length; i++) {
                if (c.fieldNames().get(i).equals(fieldName)) {
                    return data.get(q);
                }
                q += size(c.fieldTypes()[i]);
            }
        }
        return 0;
    }

    // ---- reading

    private long id(int p) {
        return idSize == 8 ? data.getLong(p) : Integer.toUnsignedLong(data.getInt(p));
    }

    private String string(long id) {
        String s = strings.get(id);
        return s == null ? "?" : s;
    }

    private byte[] bytes(int p, int n) {
        byte[] b = new byte[n];
        data.get(p, b);
        return b;
    }

    private int size(byte type) {
        return switch (type) {
            case OBJECT -> idSize;
            case 4, 8 -> 1; // boolean, byte
            case 5, 9 -> 2; // char, short
            case 6, 10 -> 4; // float, int
            case 7, 11 -> 8; // double, long
            default -> throw new IllegalStateException("unknown field type " + type);
        };
    }
}
