package io.latentwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

import java.util.Map;

/**
 * Drops the lines an embedded single-node KRaft broker logs although nothing is wrong: the
 * controller's WARN "Performing controller activation. The metadata log appears to be empty" on a
 * fresh data directory, the broker's WARN "Attempting to close NetworkClient that has already been
 * closed" at shutdown, and the ReplicaManager's ERROR for a transactional (transactions v2)
 * producer's batch that arrives before the partition's first one: Kafka refuses it with a
 * retriable out-of-order error until the first batch is in (KAFKA-18202), the producer retries,
 * nothing is lost, yet the broker logs a stack trace at ERROR. Only these messages, only from
 * these loggers: every other line still comes through. Installed by {@code logback.xml} as a
 * {@code turboFilter}; {@code KAFKA_LOG_LEVEL=INFO} (or lower) shows them again.
 */
public final class BrokerNoiseLogFilter extends TurboFilter {
    /** Logger name to a piece of the message format that only the benign line has. */
    private static final Map<String, String> BENIGN = Map.of(
            "org.apache.kafka.controller.QuorumController", "Performing controller activation.",
            "org.apache.kafka.clients.NetworkClient", "Attempting to close NetworkClient that has already been closed");

    /** The ReplicaManager's retriable refusal of a transactions-v2 batch that came before sequence 0. */
    private static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    private static final String RETRIABLE_FIRST_SEQUENCE =
            "for transactions v2 idempotent producer with no existing state";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level == Level.ERROR && t instanceof OutOfOrderSequenceException && t.getMessage() != null
                && t.getMessage().contains(RETRIABLE_FIRST_SEQUENCE) && logger.getName().equals(REPLICA_MANAGER)
                && logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
            return FilterReply.DENY;
        }
        if (level != Level.WARN || format == null || t != null || !logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        String benign = BENIGN.get(logger.getName());
        return benign != null && format.contains(benign) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
