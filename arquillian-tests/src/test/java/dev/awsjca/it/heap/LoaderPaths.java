package dev.awsjca.it.heap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What holds a deployment's class loader in a heap dump of the server: for every
 * {@code org.jboss.modules.ModuleClassLoader} whose module name starts with a prefix, the shortest chain of
 * strong references from a GC root (breadth first; the referents of weak, soft, phantom and final
 * references are not followed, since the collector clears or finalizes those), or, when there is none,
 * whether a soft reference holds it (cleared only when memory runs short) or nothing the dump shows.
 * <p>
 * By hand: {@code java -cp arquillian-tests/target/test-classes dev.awsjca.it.heap.LoaderPaths dump.hprof deployment.app.war}
 */
public final class LoaderPaths {

    private static final String MODULE_CLASS_LOADER = "org.jboss.modules.ModuleClassLoader";
    private static final int MAX_HOLDERS = 5;

    private final HeapDump heap;
    private final Map<Long, Integer> referenceKinds = new HashMap<>(); // class id -> 0 none, 1 soft, 2 other Reference

    private LoaderPaths(HeapDump heap) {
        this.heap = heap;
    }

    public static void main(String[] args) throws IOException {
        explain(Path.of(args[0]), args.length > 1 ? args[1] : "deployment.").forEach(System.out::println);
    }

    /** A report, one line each: every matching loader, then its path from a root or why there is none. */
    public static List<String> explain(Path dump, String modulePrefix) throws IOException {
        return new LoaderPaths(HeapDump.open(dump)).explain(modulePrefix);
    }

    private List<String> explain(String modulePrefix) {
        Set<Long> loaderClasses = new HashSet<>();
        for (HeapDump.ClassDump c : heap.classes()) {
            if (heap.isInstanceOf(c.id(), MODULE_CLASS_LOADER)) {
                loaderClasses.add(c.id());
            }
        }
        List<String> report = new ArrayList<>();
        List<Long> loaders = new ArrayList<>();
        for (long loader : heap.instancesOf(loaderClasses)) {
            String module = moduleName(loader);
            if (module != null && module.startsWith(modulePrefix)) {
                loaders.add(loader);
            }
        }
        report.add(loaders.size() + " class loader(s) of modules named " + modulePrefix + "* in the dump");
        if (loaders.isEmpty()) {
            return report;
        }
        for (long loader : loaders) {
            report.add("");
            report.add(describe(loader) + ":");
            report.addAll(holders(loader));
        }
        return report;
    }

    /**
     * Every separate holder, up to {@link #MAX_HOLDERS}: the shortest strong path, then the shortest that
     * shares no object with the ones found, and so on; when no strong path is left, whether a soft one is.
     */
    private List<String> holders(long loader) {
        List<String> lines = new ArrayList<>();
        Set<Long> excluded = new HashSet<>();
        int found = 0;
        while (found < MAX_HOLDERS) {
            LongLongMap strong = walk(false, excluded);
            if (!strong.contains(loader)) {
                break;
            }
            lines.add("  holder " + ++found + ":");
            lines.addAll(path(strong, loader));
            excluded.addAll(chain(strong, loader)); // the next holder shares no object with this one
            excluded.remove(loader);
        }
        if (found == MAX_HOLDERS) {
            lines.add("  (more holders not searched)");
            return lines;
        }
        LongLongMap withSoft = walk(true, excluded);
        if (withSoft.contains(loader)) {
            lines.add("  " + (lines.isEmpty() ? "not strongly reachable; " : "besides those, ")
                    + "held through a soft reference (cleared before an OutOfMemoryError):");
            lines.addAll(path(withSoft, loader));
        } else if (lines.isEmpty()) {
            lines.add("  not reachable from the dump's GC roots through strong or soft references"
                    + " (only weak/phantom/final references, or a root the dump does not list)");
        } else {
            lines.add("  no other holder: without those roots it is unreachable");
        }
        return lines;
    }

    private static List<Long> chain(LongLongMap parents, long target) {
        List<Long> chain = new ArrayList<>();
        for (long at = target; at >= 0; at = parents.get(at)) {
            chain.add(at);
        }
        return chain;
    }

    /** Breadth first from every root, never through an excluded object: each reached object's parent (or -2 - root index for a root). */
    private LongLongMap walk(boolean followSoft, Set<Long> excluded) {
        LongLongMap parents = new LongLongMap(1 << 22);
        long[][] queue = {new long[1 << 20]};
        int[] ends = {0, 0}; // head, tail
        List<HeapDump.Root> roots = heap.roots();
        for (int i = 0; i < roots.size(); i++) {
            long id = roots.get(i).objectId();
            if (id != 0 && !parents.contains(id) && !excluded.contains(id)) {
                parents.put(id, -2 - i);
                queue[0] = push(queue[0], ends, id);
            }
        }
        while (ends[0] < ends[1]) {
            long id = queue[0][ends[0]++];
            int kind = referenceKind(heap.classOf(id));
            heap.references(id, false, (target, label) -> {
                if (target == 0 || parents.contains(target) || excluded.contains(target)) {
                    return;
                }
                if (kind != 0 && "referent".equals(label) && !(followSoft && kind == 1)) {
                    return;
                }
                parents.put(target, id);
                queue[0] = push(queue[0], ends, target);
            });
        }
        return parents;
    }

    private static long[] push(long[] queue, int[] ends, long id) {
        long[] q = queue;
        if (ends[1] == q.length) {
            q = java.util.Arrays.copyOf(q, q.length * 2);
        }
        q[ends[1]++] = id;
        return q;
    }

    private int referenceKind(long classId) {
        if (classId == 0) {
            return 0;
        }
        return referenceKinds.computeIfAbsent(classId, c -> heap.isInstanceOf(c, "java.lang.ref.SoftReference") ? 1
                : heap.isInstanceOf(c, "java.lang.ref.Reference") ? 2 : 0);
    }

    /** The chain from the root down to the object, one line a step, naming the field each step goes through. */
    private List<String> path(LongLongMap parents, long target) {
        List<Long> chain = new ArrayList<>();
        long at = target;
        while (at >= 0) {
            chain.add(0, at);
            at = parents.get(at);
        }
        HeapDump.Root root = heap.roots().get((int) (-2 - at));
        List<String> lines = new ArrayList<>();
        String thread = root.threadSerial() >= 0 && heap.thread(root.threadSerial()) != 0
                ? " of thread \"" + threadName(heap.thread(root.threadSerial())) + "\"" : "";
        String frame = heap.frame(root);
        lines.add("  GC root: " + root.kind() + thread + (frame == null ? "" : ", in " + frame));
        for (int i = 0; i < chain.size(); i++) {
            String via = i + 1 < chain.size() ? " ." + label(chain.get(i), chain.get(i + 1)) + " ->" : "";
            lines.add("    " + describe(chain.get(i)) + via);
        }
        return lines;
    }

    private String label(long from, long to) {
        String[] found = {null};
        heap.references(from, true, (target, label) -> {
            if (found[0] == null && target == to) {
                found[0] = label;
            }
        });
        return found[0];
    }

    private String describe(long id) {
        HeapDump.ClassDump asClass = heap.classDump(id);
        if (asClass != null) {
            return "class " + asClass.name();
        }
        long classId = heap.classOf(id);
        HeapDump.ClassDump c = heap.classDump(classId);
        String name = c == null ? "?" : c.name();
        String what = name + " @" + Long.toHexString(id);
        if (heap.isInstanceOf(classId, MODULE_CLASS_LOADER)) {
            what += " (module " + moduleName(id) + ")";
        } else if (heap.isInstanceOf(classId, "java.lang.Thread")) {
            what += " (\"" + threadName(id) + "\")";
        } else if (name.equals("java.lang.String")) {
            String text = heap.text(id);
            what += " \"" + (text == null || text.length() <= 60 ? text : text.substring(0, 60) + "...") + "\"";
        }
        return what;
    }

    private String threadName(long thread) {
        long name = heap.field(thread, "name");
        return name == 0 ? "?" : heap.text(name);
    }

    /** ModuleClassLoader.module.name (jboss-modules 2), or null. */
    private String moduleName(long loader) {
        long module = heap.field(loader, "module");
        long name = module == 0 ? 0 : heap.field(module, "name");
        return name == 0 ? null : heap.text(name);
    }
}
