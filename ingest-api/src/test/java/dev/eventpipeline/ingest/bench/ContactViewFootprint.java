package dev.eventpipeline.ingest.bench;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.validation.EventRequest;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;

/**
 * Measures the contact view's heap per contact: fills a {@link ContactDirectory} with N users (24-hex
 * id, external id, email, no name, spread over a few workspaces), the way records read from the topic
 * arrive (fresh strings each), and prints retained heap / N. Not a test; run with bench.sh.
 *
 * <p>Usage: {@code ContactViewFootprint [contacts=1000000] [workspaces=10]}
 */
public final class ContactViewFootprint {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int workspaces = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Random random = new Random(42);
        long before = usedAfterGc();
        ContactDirectory directory = new ContactDirectory(false, Clock.systemUTC());
        byte[] id = new byte[12];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            random.nextBytes(id);
            // new String(...) everywhere: a deserialised record shares no strings with its neighbours.
            directory.put(new Contact(new String("contact"), HexFormat.of().formatHex(id), new String("ws-" + (i % workspaces)),
                    new String("user"), "user-" + i, "user" + i + "@example.com", null, 1_700_000_000L + i));
        }
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc();
        // Keep the directory reachable until measured, and prove lookups work at this size.
        String probe = directory.resolve("ws-" + (7 % workspaces), new EventRequest("e", 1, "user-7", null, null, null)).contact().id();
        System.out.printf("contacts=%d workspaces=%d heap_retained=%.1f MiB bytes_per_contact=%d load_ms=%d probe=%s%n",
                directory.size(), workspaces, (after - before) / 1048576.0, (after - before) / Math.max(1, directory.size()), loadMs, probe);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
