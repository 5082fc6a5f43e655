package dev.eventpipeline.dedupe.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.HashSkipListMemTableConfig;
import org.rocksdb.Options;

/**
 * RocksDB settings for the dedupe window, a store that is only ever written and read by point lookups,
 * most of which miss: nine raw events in ten are new, look for their id in two buckets, find nothing and
 * are written.
 *
 * <p>With Kafka Streams' defaults both halves walk one big skip list (the memtable) ordered by the whole
 * key; with random ids that insert was the largest single cost of the stream thread. Here the memtable
 * is hashed on the event id (the first {@value #EVENT_ID_BYTES} bytes of every key of the window store:
 * the id, then the window's timestamp and sequence number), so an insert or a lookup touches one small
 * bucket; a bloom filter over the memtable's keys answers most misses before that. The price: the store
 * cannot be range-scanned across ids (RocksDB's prefix mode), which nothing here does — {@link
 * DedupeWindow} reads single keys only. Other stores (the definitions, which are iterated) keep Kafka
 * Streams' skip list and get only the bloom filter.
 */
public final class PointLookupRocksDbConfig implements RocksDBConfigSetter {

    /** Share of the write buffer given to the memtable's bloom filter. */
    static final double MEMTABLE_BLOOM_RATIO = 0.1;
    /** Length of the id at the front of every dedupe-window key (see {@code EventProcessor#storeKey}). */
    static final int EVENT_ID_BYTES = 16;
    /** Buckets of the hashed memtable: a full 16 MiB memtable holds about 200,000 entries, a few per bucket. */
    static final long MEMTABLE_BUCKETS = 65_536;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setMemtableWholeKeyFiltering(true);
        options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
        if (isDedupeWindowSegment(storeName)) {
            options.useFixedLengthPrefixExtractor(EVENT_ID_BYTES);
            options.setMemTableConfig(new HashSkipListMemTableConfig().setBucketCount(MEMTABLE_BUCKETS));
            // A hashed memtable takes one writer at a time, which is what a stream task is.
            options.setAllowConcurrentMemtableWrite(false);
        }
    }

    /** The window store keeps one RocksDB per time segment, named {@code <store>.<segment id>}. */
    static boolean isDedupeWindowSegment(String storeName) {
        return storeName.startsWith(DedupeTopology.DEDUPE_STORE + ".");
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing allocated here: the memtable factory and the prefix extractor belong to Options, which
        // Kafka Streams closes.
    }
}
