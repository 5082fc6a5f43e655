package dev.eventpipeline.common.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Readiness made of named parts ({@code dedupe-stream}, {@code event-sink}, ...): ready when every part
 * is, and able to say which parts are not, so that a 503 from {@code /readyz} tells the operator where to
 * look. It is a {@link BooleanSupplier}, so it can go wherever a plain readiness check is taken.
 */
public final class Readiness implements BooleanSupplier {

    private final Map<String, BooleanSupplier> parts = new LinkedHashMap<>();

    /** Adds a part; parts are checked and named in the order added. */
    public Readiness with(String part, BooleanSupplier ready) {
        parts.put(part, ready);
        return this;
    }

    /** Adds every part of {@code more} (as it is now), after this one's. */
    public Readiness with(Readiness more) {
        parts.putAll(more.parts);
        return this;
    }

    /** The parts not ready now, in the order added; empty when all are. */
    public List<String> notReady() {
        List<String> waiting = new ArrayList<>();
        parts.forEach((part, ready) -> {
            if (!ready.getAsBoolean()) {
                waiting.add(part);
            }
        });
        return waiting;
    }

    @Override
    public boolean getAsBoolean() {
        return notReady().isEmpty();
    }

    /** One look at a readiness check: whether it passed and, for a {@link Readiness}, the parts that did not. */
    public record Status(boolean ready, List<String> notReady) {
        /** {@code "ready"}, {@code "not ready"}, or {@code "not ready: dedupe-stream, event-sink"}. */
        public String describe() {
            return ready ? "ready" : notReady.isEmpty() ? "not ready" : "not ready: " + String.join(", ", notReady);
        }
    }

    /** Checks {@code ready} once; the parts are named when it is a {@link Readiness}. */
    public static Status check(BooleanSupplier ready) {
        if (ready instanceof Readiness parts) {
            List<String> waiting = parts.notReady();
            return new Status(waiting.isEmpty(), waiting);
        }
        return new Status(ready.getAsBoolean(), List.of());
    }
}
