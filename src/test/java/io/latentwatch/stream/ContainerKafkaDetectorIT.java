package io.latentwatch.stream;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same detector scenarios on Testcontainers' Kafka container (the {@code apache/kafka} image
 * of the compose stack). Skipped, with a reason in the test report, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaDetectorIT extends DetectorScenarios {
    /** The broker image, shared with docker-compose.yml. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE);

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
