package io.latentwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerNoiseLogFilterTest {
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void setUp() {
        BrokerNoiseLogFilter filter = new BrokerNoiseLogFilter();
        filter.start();
        context.addTurboFilter(filter);
        seen.setContext(context);
        seen.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(seen);
    }

    @Test
    void shouldDropTheBenignStartAndStopWarnings() {
        // When a fresh broker starts and stops
        context.getLogger("org.apache.kafka.controller.QuorumController").warn("[QuorumController id=1] Performing"
                + " controller activation. The metadata log appears to be empty. Appending {} bootstrap record(s)", 6);
        context.getLogger("org.apache.kafka.clients.NetworkClient").warn("[NodeToControllerChannelManager id=1"
                + " name=registration] Attempting to close NetworkClient that has already been closed.");

        // Then neither reaches the console
        assertThat(seen.list).isEmpty();
    }

    @Test
    void shouldKeepEveryOtherLineAndTheSameLinesAtErrorOrWhenKafkaLoggingIsAskedFor() {
        // When other warnings, an error, and the benign lines under KAFKA_LOG_LEVEL=INFO are logged
        Logger controller = context.getLogger("org.apache.kafka.controller.QuorumController");
        controller.warn("[QuorumController id=1] Something else went wrong");
        controller.error("[QuorumController id=1] Performing controller activation. failed");
        context.getLogger("org.apache.kafka.clients.NetworkClient").warn("Connection to node 1 could not be established.");
        context.getLogger("org.apache.kafka").setLevel(Level.INFO);
        controller.warn("[QuorumController id=1] Performing controller activation. The metadata log appears to be empty.");

        // Then all four come through
        assertThat(seen.list).hasSize(4);
    }
}
