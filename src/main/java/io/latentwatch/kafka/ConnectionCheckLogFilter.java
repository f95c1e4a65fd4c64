package io.latentwatch.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the Kafka client's own log lines about the {@link KafkaConnection} check's admin client:
 * while a broker is unreachable its network client warns about every reconnect (some 30 lines in
 * 30 s), and a refused login is logged before the check reports it. The check turns each of these
 * into its one message, so they are noise; the other clients' lines, and every ERROR but the
 * check's, still come through.
 *
 * <p>Kafka's clients put {@code [AdminClient clientId=...]} in front of each message, which is
 * what this matches. Installed by {@code logback.xml} as a {@code turboFilter}.
 */
public final class ConnectionCheckLogFilter extends TurboFilter {
    private static final String PREFIX = "[AdminClient clientId=" + KafkaConnection.CHECK_CLIENT_ID + "]";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (format != null && format.startsWith(PREFIX) && logger.getName().startsWith("org.apache.kafka.")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
