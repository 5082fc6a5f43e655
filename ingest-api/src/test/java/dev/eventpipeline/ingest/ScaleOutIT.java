package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.contacts.ContactIds;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import dev.eventpipeline.testing.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three ingest-api instances on one broker behave as one API (operations.md, "Scaling out changes no
 * answer"): a user created on two of them at the same moment is one contact, and an app's rate limit
 * holds across them however a balancer spreads the calls.
 */
class ScaleOutIT {

    private static final String TOKEN = "scale-token-" + System.nanoTime();
    private static final String WORKSPACE = "ws-scale";
    /** 600 calls a minute: 100 per 10-second window. */
    private static final int APP_LIMIT_PER_MINUTE = 600;
    private static final int LIMIT = 100;
    private static final Duration READ = Duration.ofSeconds(30);

    private static String prefix;
    private static final List<IngestService> instances = new ArrayList<>();
    private static final List<Api> apis = new ArrayList<>();

    @BeforeAll
    static void startThreeInstances() {
        prefix = TestTopics.uniquePrefix("scale-out");
        for (int i = 0; i < 3; i++) {
            Map<String, Object> s = new HashMap<>();
            s.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
            s.put("topic.prefix", prefix);
            s.put("topic.partitions", 3);
            s.put("http.host", "127.0.0.1");
            s.put("http.port", 0);
            s.put("auth.dev.token", TOKEN);
            s.put("auth.dev.workspace", WORKSPACE);
            s.put("rate.limit.app.per.minute", APP_LIMIT_PER_MINUTE);
            s.put("rate.limit.workspace.per.minute", 1_000_000);
            IngestService service = IngestService.start(new IngestConfig(s));
            instances.add(service);
            apis.add(new Api(service.port(), TOKEN));
        }
    }

    @AfterAll
    static void stop() {
        instances.forEach(IngestService::close);
    }

    @Test
    void a_user_created_on_two_instances_at_the_same_moment_is_one_contact() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String externalId = "racer-" + round;
                String body = "{\"external_id\":\"" + externalId + "\",\"email\":\"r" + round + "@example.com\"}";
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Api.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Api api = apis.get(i);
                    answers.add(pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return api.postJson("/contacts", body);
                    }));
                }
                String expectedId = ContactIds.forExternalId(WORKSPACE, externalId);
                for (Future<Api.Response> answer : answers) {
                    Api.Response r = answer.get(30, TimeUnit.SECONDS);
                    // Either both name the same contact, or the later one is told it exists (http-api.md).
                    assertThat(r.status()).as(r.toString()).isIn(200, 409);
                    if (r.status() == 200) {
                        assertThat(r.json().get("id").asText()).isEqualTo(expectedId);
                    }
                }
                assertThat(answers.stream().filter(f -> status(f) == 200)).isNotEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        // The compacted topic holds one contact per external_id: every record of a racer has the same id.
        Map<String, Set<String>> idsByExternalId = TopicReader.readToEnd(SharedKafka.bootstrapServers(), Topics.CONTACTS.name(prefix),
                        new StringDeserializer(), Topics.CONTACTS.valueSerde().deserializer(), READ).stream()
                .map(ConsumerRecord::value)
                .filter(c -> c.externalId() != null && c.externalId().startsWith("racer-"))
                .collect(Collectors.groupingBy(Contact::externalId, Collectors.mapping(Contact::id, Collectors.toSet())));
        assertThat(idsByExternalId).hasSize(5);
        idsByExternalId.forEach((externalId, ids) -> assertThat(ids).as(externalId).hasSize(1));

        // Every instance resolves the user to that contact once it has read the topic.
        for (int i = 0; i < 3; i++) {
            Api api = apis.get(i);
            await().atMost(READ).until(() -> api.postJson("/events",
                    "{\"event_name\":\"signed-up\",\"created_at\":1700000000,\"user_id\":\"racer-0\"}").status() == 202);
        }
        List<RawEvent> events = TopicReader.readUntil(SharedKafka.bootstrapServers(), Topics.RAW_EVENTS.name(prefix),
                        new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(),
                        records -> records.stream().filter(r -> "signed-up".equals(r.value().eventName())).count() >= 3, READ)
                .stream().map(ConsumerRecord::value).filter(e -> "signed-up".equals(e.eventName())).toList();
        assertThat(events).extracting(e -> e.contact().id()).containsOnly(ContactIds.forExternalId(WORKSPACE, "racer-0"));
    }

    @Test
    void an_apps_limit_holds_across_instances_whether_calls_are_spread_evenly_or_all_sent_to_one() throws Exception {
        String contactId = apis.get(0).postJson("/contacts", "{\"external_id\":\"limited\"}").json().get("id").asText();
        for (Api api : apis) {
            await().atMost(READ).until(() -> api.get("/contacts/" + contactId).status() == 200);
        }
        List<String> report = new ArrayList<>();
        for (int instanceCount : new int[] {2, 3}) {
            for (boolean skewed : new boolean[] {false, true}) {
                Window w = offerOneWindow(instanceCount, skewed);
                report.add(String.format("%d instances, %s: %d of %d calls admitted (limit %d), largest Remaining gap %d",
                        instanceCount, skewed ? "all to one" : "spread evenly", w.admitted(), w.offered(), LIMIT, w.remainingGap()));
                // 10% of the limit, or what arrives within one 100 ms sync interval (5 calls here), whichever is larger.
                assertThat(w.admitted()).as(report.get(report.size() - 1)).isBetween(LIMIT - 10, LIMIT + 10);
                assertThat(w.remainingGap()).as(report.get(report.size() - 1)).isLessThanOrEqualTo(10);
            }
        }
        report.forEach(line -> System.out.println("ScaleOutIT rate limit: " + line));
    }

    private record Answer(int instance, int status, int remaining, long sentNanos, long finishedNanos) {}

    private record Window(int offered, int admitted, int remainingGap) {}

    /**
     * 300 calls at 50 a second (five per 100 ms), all within one 10-second window, over the first
     * {@code instanceCount} instances round robin or all to the first; 100 of them fit the limit.
     */
    private static Window offerOneWindow(int instanceCount, boolean skewed) throws Exception {
        // Start right after a window boundary so all calls fall in one window (bounded wait on the clock).
        await().atMost(Duration.ofSeconds(11)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.currentTimeMillis() % 10_000 < 300);
        int offered = 300;
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(8);
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        long createdAt = 1_600_000_000L + System.nanoTime() % 100_000_000L;
        try {
            for (int i = 0; i < offered; i++) {
                int instance = skewed ? 0 : i % instanceCount;
                String body = "{\"event_name\":\"limited\",\"created_at\":" + (createdAt + i) + ",\"user_id\":\"limited\"}";
                CompletableFuture<Answer> answer = new CompletableFuture<>();
                answers.add(answer);
                clients.schedule(() -> {
                    try {
                        long sent = System.nanoTime();
                        Api.Response r = apis.get(instance).postJson("/events", body);
                        answer.complete(new Answer(instance, r.status(), Integer.parseInt(r.header("X-RateLimit-Remaining")),
                                sent, System.nanoTime()));
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                }, i * 20L, TimeUnit.MILLISECONDS);
            }
            List<Answer> done = new ArrayList<>();
            for (CompletableFuture<Answer> a : answers) {
                done.add(a.get(30, TimeUnit.SECONDS));
            }
            assertThat(done).extracting(Answer::status).containsOnly(202, 429);
            // Remaining, as each instance told its client, against what all instances had admitted by then. A
            // call was admitted between its send and its answer, so the calls admitted before it number at least
            // those answered before it was sent and at most those sent before it was answered.
            List<Answer> admitted = done.stream().filter(a -> a.status() == 202).toList();
            int gap = 0;
            for (Answer a : admitted) {
                long surelyBefore = admitted.stream().filter(b -> b != a && b.finishedNanos() < a.sentNanos()).count();
                long possiblyBefore = admitted.stream().filter(b -> b != a && b.sentNanos() < a.finishedNanos()).count();
                long seenBefore = LIMIT - 1 - a.remaining();
                long off = seenBefore < surelyBefore ? surelyBefore - seenBefore : seenBefore > possiblyBefore ? seenBefore - possiblyBefore : 0;
                gap = (int) Math.max(gap, off);
            }
            return new Window(offered, admitted.size(), gap);
        } finally {
            clients.shutdownNow();
        }
    }

    private static int status(Future<Api.Response> f) {
        try {
            return f.get().status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
