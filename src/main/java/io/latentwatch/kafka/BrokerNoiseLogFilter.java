package io.latentwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.Map;

/**
 * Drops the two WARN lines every start and stop of a single-node KRaft broker logs although nothing
 * is wrong: the controller's "Performing controller activation. The metadata log appears to be empty"
 * on a fresh data directory, and the broker's "Attempting to close NetworkClient that has already been
 * closed" at shutdown. Only these messages, only at WARN, only from these loggers: every other line,
 * and any of them at ERROR, still comes through. Installed by {@code logback.xml} as a
 * {@code turboFilter}; {@code KAFKA_LOG_LEVEL=INFO} (or lower) shows them again.
 */
public final class BrokerNoiseLogFilter extends TurboFilter {
    /** Logger name to a piece of the message format that only the benign line has. */
    private static final Map<String, String> BENIGN = Map.of(
            "org.apache.kafka.controller.QuorumController", "Performing controller activation.",
            "org.apache.kafka.clients.NetworkClient", "Attempting to close NetworkClient that has already been closed");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level != Level.WARN || format == null || t != null || !logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        String benign = BENIGN.get(logger.getName());
        return benign != null && format.contains(benign) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
