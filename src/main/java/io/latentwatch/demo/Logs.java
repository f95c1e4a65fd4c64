package io.latentwatch.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the detector's routine log lines out of the demo's live view. */
final class Logs {
    private Logs() {
    }

    /**
     * Raises latentwatch's log level to WARN and Kafka's to ERROR (the demo's broker is its own,
     * and its shutdown chatter is no news), unless LATENTWATCH_LOG_LEVEL or KAFKA_LOG_LEVEL ask
     * for another.
     */
    static void quietUnlessAsked() {
        raise("io.latentwatch", "LATENTWATCH_LOG_LEVEL", Level.WARN);
        raise("org.apache.kafka", "KAFKA_LOG_LEVEL", Level.ERROR);
        raise("kafka", "KAFKA_LOG_LEVEL", Level.ERROR);
    }

    private static void raise(String name, String variable, Level level) {
        String asked = System.getenv(variable);
        if ((asked == null || asked.isBlank()) && LoggerFactory.getLogger(name) instanceof Logger logger) {
            logger.setLevel(level);
        }
    }
}
