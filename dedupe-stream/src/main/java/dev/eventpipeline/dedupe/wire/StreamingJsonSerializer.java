package dev.eventpipeline.dedupe.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.eventpipeline.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serializer that writes its record with a hand-written field walk on Jackson's streaming generator
 * instead of data binding, for the values this stream writes per event. Subclasses write exactly what the
 * topic registry's serde writes (their tests compare the bytes).
 *
 * <p>One generator per stream thread is kept open, writing into its own buffer, which is emptied after each
 * record: creating a generator per record (buffers, recycler look-ups) cost more than writing the record.
 * Root values are written without a separator, so each record's bytes stand alone.
 */
abstract class StreamingJsonSerializer<T> implements Serializer<T> {

    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private static final class Output {
        final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
        final JsonGenerator generator;

        Output() {
            try {
                generator = FACTORY.createGenerator(buffer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            generator.setRootValueSeparator(null);
        }
    }

    /** Per instance and thread: one topology's serializer instance serves every stream thread. */
    private final ThreadLocal<Output> output = ThreadLocal.withInitial(Output::new);
    private final String what;

    /** {@code what}: the record's name in error messages ("a clean event"). */
    StreamingJsonSerializer(String what) {
        this.what = what;
    }

    /** Writes one whole JSON value. */
    abstract void write(JsonGenerator g, T value) throws IOException;

    @Override
    public final byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        Output out = output.get();
        try {
            write(out.generator, value);
            out.generator.flush();
            return out.buffer.toByteArray();
        } catch (IOException | RuntimeException ex) {
            // The generator may be mid-object: drop it so the next record starts from a clean one.
            output.remove();
            throw ex instanceof IOException io ? new UncheckedIOException("cannot write " + what, io) : (RuntimeException) ex;
        } finally {
            out.buffer.reset();
        }
    }
}
