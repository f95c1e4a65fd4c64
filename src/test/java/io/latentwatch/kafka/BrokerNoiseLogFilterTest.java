package io.latentwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
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

    @Test
    void shouldDropOnlyTheRetriableTransactionsV2FirstSequenceError() {
        // When the broker refuses a transactional batch that came before the partition's first one, and another append fails
        Logger replicaManager = context.getLogger("kafka.server.ReplicaManager");
        replicaManager.error("Error processing append operation on partition x:embeddings-1",
                new OutOfOrderSequenceException("Invalid sequence number for producer 2 at offset 2 in partition"
                        + " embeddings-1: 1 (incoming seq. number). Expected sequence 0 for transactions v2 idempotent"
                        + " producer with no existing state."));
        replicaManager.error("Error processing append operation on partition x:images-0",
                new OutOfOrderSequenceException("Out of order sequence number for producer 2 at offset 156 in"
                        + " partition images-0: 0 (incoming seq. number), 177 (current end sequence number)"));

        // Then only the second, a real failure, comes through
        assertThat(seen.list).hasSize(1);
        assertThat(seen.list.get(0).getThrowableProxy().getMessage()).contains("current end sequence number");
    }
}
