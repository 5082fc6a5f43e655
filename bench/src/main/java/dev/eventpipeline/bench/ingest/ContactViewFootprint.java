package dev.eventpipeline.bench.ingest;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.validation.EventRequest;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The contact view's heap per contact: fills a {@link ContactDirectory} with N users (24-hex id,
 * external id, email, no name, spread over a few workspaces), the way records read from the topic
 * arrive (fresh strings each), and prints retained heap / N. No broker: the view is what every
 * ingest-api instance holds in memory for the whole {@code contacts} topic.
 */
@Command(name = "footprint", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"The contact view's heap per contact (no broker).",
                "Give it heap enough for the view: java -Xmx2g -XX:+UseG1GC -jar bench/target/bench.jar footprint"})
public final class ContactViewFootprint implements Callable<Integer> {

    @Option(names = "--contacts", defaultValue = "1000000", description = "Users put into the view (default: ${DEFAULT-VALUE}).")
    int contacts;

    @Option(names = "--workspaces", defaultValue = "10", description = "Workspaces they are spread over (default: ${DEFAULT-VALUE}).")
    int workspaces;

    @Override
    public Integer call() {
        Random random = new Random(42);
        long before = usedAfterGc();
        ContactDirectory directory = new ContactDirectory(false, Clock.systemUTC());
        byte[] id = new byte[12];
        long start = System.nanoTime();
        for (int i = 0; i < contacts; i++) {
            random.nextBytes(id);
            // new String(...) everywhere: a deserialised record shares no strings with its neighbours.
            directory.put(new Contact(new String("contact"), HexFormat.of().formatHex(id), new String("ws-" + (i % workspaces)),
                    new String("user"), "user-" + i, "user" + i + "@example.com", null, 1_700_000_000L + i));
        }
        long loadMs = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc();
        // Keeps the directory reachable until measured, and shows that lookups work at this size.
        String probe = directory.resolve("ws-" + (7 % workspaces), new EventRequest("e", 1, "user-7", null, null, null)).contact().id();
        System.out.printf("contacts=%d workspaces=%d heap_retained=%.1f MiB bytes_per_contact=%d load_ms=%d probe=%s%n",
                directory.size(), workspaces, (after - before) / 1048576.0, (after - before) / Math.max(1, directory.size()), loadMs, probe);
        return 0;
    }

    private static long usedAfterGc() {
        // Several collections: one System.gc() can leave garbage that a concurrent cycle had not yet reached.
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
