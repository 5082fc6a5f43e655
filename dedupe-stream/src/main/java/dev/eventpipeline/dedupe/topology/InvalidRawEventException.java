package dev.eventpipeline.dedupe.topology;

/**
 * A raw record that parsed as JSON but breaks the {@code raw-events} contract. Thrown before any state
 * is touched; {@link DeadLetterHandlers.Processing} turns it into a dead letter and processing continues.
 */
public final class InvalidRawEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidRawEventException(String detail) {
        // No stack trace: this is an expected outcome for bad input, and it is raised per bad record.
        super(detail, null, false, false);
    }
}
