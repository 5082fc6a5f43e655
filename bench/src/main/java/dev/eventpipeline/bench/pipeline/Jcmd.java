package dev.eventpipeline.bench.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK's {@code jcmd}, for what {@code /proc} cannot tell: the full Java name of each thread
 * ({@code comm} is cut at 15 characters) and the heap after a collection.
 */
final class Jcmd {

    private static final Pattern NID = Pattern.compile("\\bnid=(0x[0-9a-fA-F]+|\\d+)");
    private static final Pattern G1_HEAP = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");

    private Jcmd() {}

    /** The jcmd next to the running java, so that it speaks the target JVMs' attach protocol. */
    static String executable() {
        Path besideJava = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(besideJava) ? besideJava.toString() : "jcmd";
    }

    static String run(long pid, String... command) {
        List<String> argv = new ArrayList<>(List.of(executable(), Long.toString(pid)));
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p));
            // A thread dump of a busy JVM takes well under a second; a minute means the JVM is stuck.
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " did not answer within 60 s");
            }
            String text = out.join();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable() + " (it comes with the JDK)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Native thread id to Java thread name, from {@code Thread.print}. */
    static Map<Long, String> threadNames(long pid) {
        return parseThreadNames(run(pid, "Thread.print"));
    }

    /**
     * Parses {@code Thread.print}: each thread's header line starts with its quoted name and carries
     * {@code nid=}, the native thread id ({@code 0x…} in JDK 17, decimal in later JDKs). The JVM's own
     * threads (GC, compiler, VM thread) are listed too.
     */
    static Map<Long, String> parseThreadNames(String threadPrint) {
        Map<Long, String> names = new HashMap<>();
        for (String line : threadPrint.split("\n")) {
            if (!line.startsWith("\"")) {
                continue;
            }
            Matcher nid = NID.matcher(line);
            if (!nid.find()) {
                continue;
            }
            int nameEnd = line.lastIndexOf('"', nid.start());
            if (nameEnd <= 0) {
                continue;
            }
            String id = nid.group(1);
            long tid = id.startsWith("0x") ? Long.parseLong(id.substring(2), 16) : Long.parseLong(id);
            names.put(tid, line.substring(1, nameEnd));
        }
        return names;
    }

    /** Runs a full collection, then reads how much heap is still used: the live data. */
    static long heapAfterGcBytes(long pid) {
        run(pid, "GC.run");
        return parseHeapUsedBytes(run(pid, "GC.heap_info")).orElseThrow(
                () -> new IllegalStateException("no heap size in jcmd " + pid + " GC.heap_info"));
    }

    /**
     * The used heap from {@code GC.heap_info}: G1's {@code garbage-first heap … used NK} line, else (other
     * collectors print a line per generation) the sum of the {@code used} of the lines before Metaspace.
     */
    static OptionalLong parseHeapUsedBytes(String heapInfo) {
        Matcher g1 = G1_HEAP.matcher(heapInfo);
        if (g1.find()) {
            return OptionalLong.of(Long.parseLong(g1.group(1)) * 1024);
        }
        long sum = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace")) {
                break;
            }
            Matcher used = USED.matcher(line);
            if (used.find()) {
                sum += Long.parseLong(used.group(1)) * 1024;
                found = true;
            }
        }
        return found ? OptionalLong.of(sum) : OptionalLong.empty();
    }
}
