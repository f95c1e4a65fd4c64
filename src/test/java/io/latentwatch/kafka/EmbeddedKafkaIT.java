package io.latentwatch.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedKafkaIT {

    @Test
    void shouldServeOnLoopbackAndLeaveNothingBehindWhenClosed() throws Exception {
        // Given a started broker
        Path dataDir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dataDir = kafka.dataDir();
            port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));

            // Then it answers a real client on 127.0.0.1, with its data in a temporary directory
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(Files.isDirectory(dataDir)).isTrue();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        }

        // When it is closed, then its data is gone and its port is free again
        assertThat(Files.exists(dataDir)).isFalse();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldHaveItsTopicsAndRecordsBackWhenStartedAgainOnTheSameDataDirAndPort(@TempDir Path dir)
            throws Exception {
        // Given a broker on a data directory of ours, with a record on a topic
        Path dataDir = dir.resolve("broker");
        String bootstrap;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dataDir)) {
            bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "key", "value")).get(30, TimeUnit.SECONDS);
            }
        }
        // (closing keeps a data directory of ours)
        assertThat(Files.isDirectory(dataDir)).isTrue();

        // When a broker starts again on the same data and port
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (EmbeddedKafka again = EmbeddedKafka.start(port, dataDir);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                     again.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            // Then it serves the same address, and the record is still there
            assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
            TopicPartition kept = new TopicPartition("kept", 0);
            consumer.assign(List.of(kept));
            consumer.seekToBeginning(List.of(kept));
            List<String> values = new ArrayList<>();
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
            });
            assertThat(values).containsExactly("value");
        }
    }

    @Test
    void shouldBeSafeToCloseTwice() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        kafka.close();
        kafka.close();
        assertThat(Files.exists(kafka.dataDir())).isFalse();
    }
}
