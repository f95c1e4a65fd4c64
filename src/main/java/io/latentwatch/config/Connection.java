package io.latentwatch.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a component reaches the Kafka cluster: {@code --bootstrap-servers} and the client
 * settings of {@code --kafka-config} (security, timeouts, any client or Streams property).
 *
 * @param bootstrapServers host:port list of brokers
 * @param properties       client properties from {@code --kafka-config}; they never override the
 *                         bootstrap servers
 */
public record Connection(String bootstrapServers, Map<String, String> properties) {
    public Connection {
        Objects.requireNonNull(bootstrapServers, "bootstrap servers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is empty; give HOST:PORT[,HOST:PORT...]");
        }
        properties = Map.copyOf(properties);
    }

    /** A plain connection (no security settings) to {@code bootstrapServers}. */
    public static Connection to(String bootstrapServers) {
        return new Connection(bootstrapServers, Map.of());
    }

    /** The properties a Kafka client is created with: {@link #properties()} plus the bootstrap servers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(properties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
