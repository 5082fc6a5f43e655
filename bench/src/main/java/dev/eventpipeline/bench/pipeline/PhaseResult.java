package dev.eventpipeline.bench.pipeline;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one measured phase gave: wrk's view (answers, latency), the API's count of accepted events and
 * the rows the sink added over the same interval, and the CPU of the measured JVMs by thread group.
 *
 * @param acceptedEvents events the API acknowledged between the two CPU snapshots (its
 *                       {@code ingest_events_accepted_total}, or wrk's 2xx answers where there is no such counter):
 *                       the denominator of every per-event figure
 * @param storedEvents   rows the sink added between the two snapshots; {@code -1} where no sink runs
 * @param wallSeconds    time between the two CPU snapshots, which enclose the wrk run
 * @param heapAfterGcBytes per measured JVM, after a full collection at the end of the phase
 */
record PhaseResult(String name, Load load, Wrk.Result wrk, double wallSeconds, long acceptedEvents, long storedEvents,
                   CpuUsage cpu, String measuredJvms, Map<String, Long> heapAfterGcBytes, long clockTicksPerSecond) {

    /** A kind of request: one event per {@code POST /events}, or {@code items} per {@code POST /bulk/events}. */
    record Load(String label, int itemsPerRequest) {
        static Load single() {
            return new Load("POST /events", 1);
        }

        static Load bulk(int items) {
            return new Load("POST /bulk/events (" + items + " items)", items);
        }
    }

    /** Accepted events per second as the client saw them: 2xx answers times the events per request, over wrk's duration. */
    double acceptedPerSecond() {
        return wrk.answered2xx() * load.itemsPerRequest() / wrk.seconds();
    }

    /** Events per second reaching their row in the database over the phase; empty where no sink runs. */
    OptionalDouble endToEndPerSecond() {
        return storedEvents < 0 ? OptionalDouble.empty() : OptionalDouble.of(storedEvents / wallSeconds);
    }

    /** Rows added per event accepted over the phase: about 1 while the stages downstream keep up; 0 where no sink runs. */
    double storedShare() {
        return storedEvents < 0 ? 0 : (double) storedEvents / acceptedEvents;
    }

    double micros(long ticks) {
        return ticks * 1e6 / clockTicksPerSecond;
    }

    double microsPerEvent(String group) {
        return micros(cpu.ticks(group)) / acceptedEvents;
    }

    double unattributedMicrosPerEvent() {
        return micros(cpu.unattributedTicks()) / acceptedEvents;
    }

    /** The whole of the measured JVMs (ended threads included) per accepted event. */
    double wholeMicrosPerEvent() {
        return micros(cpu.processTicks()) / acceptedEvents;
    }

    /** As {@link #wholeMicrosPerEvent} less the JIT compiler threads: what the pipeline costs once the code is compiled. */
    double withoutJitMicrosPerEvent() {
        return micros(cpu.processTicks() - cpu.ticks(ThreadGroups.JIT)) / acceptedEvents;
    }

    /** Cores the measured JVMs kept busy on average. */
    double coresBusy() {
        return micros(cpu.processTicks()) / 1e6 / wallSeconds;
    }

    /** The load generator's own CPU per request. */
    double wrkMicrosPerRequest() {
        return micros(wrk.cpuTicks()) / Math.max(1, wrk.requests());
    }
}
