package io.latentwatch.stream;

import io.latentwatch.config.Topics;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same detector scenarios on Testcontainers' Kafka container, with the image and the topic
 * names of the compose stack (a fresh container per test, so the default names never collide).
 * Skipped, with a reason in the test report and in .ci/run's output, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaDetectorIT extends DetectorScenarios {
    /** The broker image, shared with docker-compose.yml. */
    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    @Container
    final KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);

    @Override
    String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    Topics topics() {
        return Topics.DEFAULTS;
    }
}
