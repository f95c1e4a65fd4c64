package io.latentwatch.modeltopic;

import io.latentwatch.testing.SharedBroker;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The models topic contract on a real broker: which publication is current. */
class ModelTopicIT {
    @RegisterExtension
    static final SharedBroker KAFKA = new SharedBroker();



    @Test
    void shouldTakeTheLastPublicationAsCurrentEvenWhenAPublisherClockIsBehind() throws Exception {
        // Given a model published now, then another by a publisher whose clock is an hour behind
        Map<String, Object> props = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        ModelTopic models = new ModelTopic(props, "models-skew");
        models.publish("default", bytes("first"));
        long anHourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (KafkaProducer<String, byte[]> skewed = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            skewed.send(new ProducerRecord<>("models-skew", null, anHourAgo, "default", bytes("second")))
                    .get(30, TimeUnit.SECONDS);
        }

        // When the trainer asks for the current model
        byte[] current = models.latest("default").orElseThrow();

        // Then it is the last publication, the one a following detector serves, not the newest timestamp
        assertThat(new String(current, StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(models.latest("other")).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
