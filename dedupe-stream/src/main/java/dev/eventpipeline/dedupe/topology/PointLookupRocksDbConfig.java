package dev.eventpipeline.dedupe.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB settings for stores read by point lookups that mostly miss, which is what the dedupe window
 * is: nine raw events in ten are new, and each new one looks for its id in two buckets and finds nothing.
 *
 * <p>Without it such a miss walks the memtable's skip list (tens of key comparisons) before the SST
 * files' bloom filters answer; that walk was the largest single cost of the stream thread. A bloom
 * filter over the memtable's whole keys answers most misses with a hash and a few bit tests. It costs
 * about one byte per memtable entry (ratio 0.1 of the write buffer), and Kafka Streams' other RocksDB
 * defaults (block cache, SST bloom filters, no WAL) stay as they are.
 */
public final class PointLookupRocksDbConfig implements RocksDBConfigSetter {

    /** Share of the write buffer given to the memtable's bloom filter. */
    static final double MEMTABLE_BLOOM_RATIO = 0.1;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setMemtableWholeKeyFiltering(true);
        options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
    }

    @Override
    public void close(String storeName, Options options) {
        // Nothing allocated: the settings above are plain values on Options, which Kafka Streams closes.
    }
}
