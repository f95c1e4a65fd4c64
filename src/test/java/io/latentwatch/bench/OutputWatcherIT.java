package io.latentwatch.bench;

import io.latentwatch.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputWatcherIT {

    @Test
    void shouldKeepTheLeadAndTheMeasuredRecordsAlikeButGiveTheLatencyOfTheMeasuredOnly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("out", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (OutputWatcher watcher = new OutputWatcher(props, "out", Benchmark.KEPT_ID_PREFIX,
                    Benchmark.MEASURED_ID_PREFIX, 100, 3);
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.TRANSACTIONAL_ID_CONFIG, "watcher-it"),
                         new StringSerializer(), new StringSerializer())) {
                // Given outputs of the drain, of the lead and of the measured images, a second old
                producer.initTransactions();
                producer.beginTransaction();
                String eventTime = Instant.now().minusSeconds(1).toString();
                for (String id : new String[] {"load-0", "load-1", Benchmark.LEAD_ID + "-0", Benchmark.LEAD_ID + "-1",
                        Benchmark.MEASURED_ID + "-0", Benchmark.MEASURED_ID + "-1", Benchmark.MEASURED_ID + "-2"}) {
                    producer.send(new ProducerRecord<>("out", id,
                            "{\"id\":\"" + id + "\",\"event_time\":\"" + eventTime + "\",\"score\":0.1}"));
                }
                producer.commitTransaction();

                // When the watcher has read them all
                assertThat(watcher.await(7, Duration.ofSeconds(30))).isTrue();

                // Then every record is counted, and the latency is that of the three measured ones
                assertThat(watcher.count()).isEqualTo(7);
                assertThat(watcher.markNanos()).isPositive();
                double[] latencies = watcher.latenciesMs();
                assertThat(latencies).hasSize(3);
                for (double ms : latencies) {
                    assertThat(ms).isBetween(900.0, 60_000.0);
                }
            }
        }
    }

    @Test
    void shouldRefuseMeasuredIdsThatItDoesNotKeep() {
        assertThatThrownBy(() -> new OutputWatcher(Map.of("bootstrap.servers", "127.0.0.1:1"), "out", "lat-", "run-",
                10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run-");
    }
}
