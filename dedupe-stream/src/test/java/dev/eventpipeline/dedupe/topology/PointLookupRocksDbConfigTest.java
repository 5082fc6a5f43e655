package dev.eventpipeline.dedupe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.dedupe.DedupeService;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class PointLookupRocksDbConfigTest {

    @Test
    void a_store_gets_a_whole_key_bloom_filter_over_its_memtable() {
        RocksDB.loadLibrary();
        try (Options options = new Options()) {
            assertThat(options.memtableWholeKeyFiltering()).isFalse();
            new PointLookupRocksDbConfig().setConfig(DedupeTopology.DEDUPE_STORE + ".1700000000000", options, Map.of());
            assertThat(options.memtableWholeKeyFiltering()).isTrue();
            assertThat(options.memtablePrefixBloomSizeRatio()).isEqualTo(PointLookupRocksDbConfig.MEMTABLE_BLOOM_RATIO);
        }
    }

    @Test
    void only_the_dedupe_window_segments_get_a_memtable_hashed_on_the_event_id() {
        RocksDB.loadLibrary();
        try (Options segment = new Options(); Options definitions = new Options()) {
            new PointLookupRocksDbConfig().setConfig(DedupeTopology.DEDUPE_STORE + ".1700000000000", segment, Map.of());
            new PointLookupRocksDbConfig().setConfig(DedupeTopology.DEFINITION_STORE, definitions, Map.of());
            assertThat(segment.memTableFactoryName()).isEqualTo("HashSkipListRepFactory");
            assertThat(segment.allowConcurrentMemtableWrite()).isFalse();
            // The definitions are iterated (pending keys), so they keep the ordered skip list.
            assertThat(definitions.memTableFactoryName()).isEqualTo("SkipListFactory");
            assertThat(definitions.memtableWholeKeyFiltering()).isTrue();
        }
        assertThat(PointLookupRocksDbConfig.isDedupeWindowSegment(DedupeTopology.DEDUPE_STORE)).isFalse();
        assertThat(PointLookupRocksDbConfig.isDedupeWindowSegment(DedupeTopology.DEFINITION_STORE)).isFalse();
    }

    @Test
    void the_service_uses_it_unless_the_operator_sets_another() {
        DedupeConfig plain = new DedupeConfig(Map.of());
        assertThat(DedupeService.streamsProperties(plain, DedupeService.settings(plain, DedupeMetrics.discarding()))
                .get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(PointLookupRocksDbConfig.class);

        DedupeConfig custom = new DedupeConfig(Map.of("kafka." + StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, "com.example.Mine"));
        assertThat(DedupeService.streamsProperties(custom, DedupeService.settings(custom, DedupeMetrics.discarding()))
                .get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo("com.example.Mine");
    }
}
