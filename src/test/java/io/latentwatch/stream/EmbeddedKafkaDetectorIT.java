package io.latentwatch.stream;

import io.latentwatch.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The detector scenarios on a real KRaft broker started in this JVM, or on an external broker
 * when {@code LATENTWATCH_IT_BOOTSTRAP_SERVERS} names one.
 */
class EmbeddedKafkaDetectorIT extends DetectorScenarios {
    private static EmbeddedKafka kafka;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        bootstrap = System.getenv("LATENTWATCH_IT_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    String bootstrapServers() {
        return bootstrap;
    }
}
