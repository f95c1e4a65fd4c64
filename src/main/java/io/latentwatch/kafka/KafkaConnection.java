package io.latentwatch.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one check every command makes before it starts its Kafka clients: are the connection
 * settings usable, and does the cluster answer with them? Each failure becomes one line that says
 * what to change, instead of a stack trace from inside a client or half a minute of retries.
 *
 * <ul>
 *   <li>A malformed or unresolvable {@code --bootstrap-servers}, a missing trust or key store,
 *       and settings the Kafka client rejects are usage errors ({@link IllegalArgumentException}).</li>
 *   <li>Refused credentials, a failed TLS handshake, or no answer in time are
 *       {@link IllegalStateException}s; when the port accepts connections but no answer comes,
 *       the message says the listener may need security settings.</li>
 * </ul>
 *
 * <p>How long to wait: {@code default.api.timeout.ms} when the client settings give it (from
 * {@code --kafka-config}), else the caller's timeout. After {@link #NOTICE_AFTER} without an
 * answer it logs one line saying it is waiting. The check's own client logs nothing (see
 * {@link ConnectionCheckLogFilter}): whatever it meets ends in its one message.
 */
public final class KafkaConnection {
    /** Client id of the check's admin client; its log lines are filtered out. */
    public static final String CHECK_CLIENT_ID = "latentwatch-connection-check";
    /** How long the check waits silently before saying it is waiting. */
    static final Duration NOTICE_AFTER = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);
    private static final String SETTINGS_HINT = "pass --kafka-config FILE with security.protocol (SASL_SSL, SSL,"
            + " SASL_PLAINTEXT), sasl.mechanism, sasl.jaas.config and ssl.truststore.location as the cluster needs"
            + " (see docs/deployment.md)";

    private KafkaConnection() {
    }

    /**
     * Checks the settings and waits for the cluster to answer; returns its cluster id.
     *
     * @param clientProps Kafka client properties: {@code bootstrap.servers} and everything from
     *                    {@code --kafka-config}
     * @param timeout     how long to wait when the properties set no {@code default.api.timeout.ms}
     * @throws IllegalArgumentException when the settings are unusable (a usage error)
     * @throws IllegalStateException    when the cluster refuses them or does not answer in time
     */
    public static String check(Map<String, Object> clientProps, Duration timeout) {
        List<InetSocketAddress> addresses = validate(clientProps);
        String bootstrap = String.valueOf(clientProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        Duration wait = waitTime(clientProps, timeout);
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, CHECK_CLIENT_ID);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(wait.toMillis(), 30_000));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new IllegalArgumentException("--kafka-config: the Kafka client does not accept these settings: "
                    + rootMessage(e), e);
        }
        boolean answered = false;
        try {
            KafkaFuture<String> clusterId = admin.describeCluster().clusterId();
            String id;
            try {
                id = clusterId.get(Math.min(NOTICE_AFTER.toMillis(), wait.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.info("waiting for Kafka at {} (up to {} s) ...", bootstrap, wait.toSeconds());
                id = clusterId.get(Math.max(1, wait.minus(NOTICE_AFTER).toMillis()), TimeUnit.MILLISECONDS);
            }
            answered = true;
            return id;
        } catch (TimeoutException e) {
            throw noAnswer(bootstrap, addresses, clientProps, wait);
        } catch (ExecutionException e) {
            throw refused(bootstrap, addresses, clientProps, wait, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrap, e);
        } finally {
            // Pending calls of a failed check would otherwise keep close() waiting for their deadline.
            admin.close(answered ? Duration.ofSeconds(5) : Duration.ZERO);
        }
    }

    /**
     * The checks that need no broker: every bootstrap address is {@code HOST:PORT}, at least one
     * host resolves, and the trust and key store files named exist.
     *
     * @return the resolvable bootstrap addresses
     * @throws IllegalArgumentException naming the flag or setting to fix
     */
    static List<InetSocketAddress> validate(Map<String, Object> clientProps) {
        Object value = clientProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        String bootstrap = value == null ? "" : value.toString().trim();
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-servers is empty; give HOST:PORT[,HOST:PORT...],"
                    + " e.g. localhost:9092");
        }
        List<InetSocketAddress> resolved = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (String entry : bootstrap.split(",")) {
            String server = entry.trim();
            if (server.isEmpty()) {
                continue;
            }
            int colon = server.lastIndexOf(':');
            String host = colon < 0 ? "" : server.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = colon < 0 ? -1 : parsePort(server.substring(colon + 1));
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("--bootstrap-servers " + bootstrap + ": '" + server
                        + "' is not HOST:PORT; write e.g. " + (colon < 0 && !server.isEmpty() ? server : "localhost")
                        + ":9092");
            }
            try {
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    resolved.add(new InetSocketAddress(address, port));
                }
            } catch (UnknownHostException e) {
                unresolved.add(host);
            }
        }
        if (resolved.isEmpty() && unresolved.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-servers '" + bootstrap + "' names no server; give"
                    + " HOST:PORT[,HOST:PORT...], e.g. localhost:9092");
        }
        if (resolved.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-servers " + bootstrap + ": cannot resolve "
                    + (unresolved.size() == 1 ? "host '" + unresolved.get(0) + "'" : "any of the hosts " + unresolved)
                    + "; check the name");
        }
        requireReadable(clientProps, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        requireReadable(clientProps, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        return resolved;
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void requireReadable(Map<String, Object> clientProps, String key) {
        Object location = clientProps.get(key);
        if (location != null && !location.toString().isBlank() && !Files.isReadable(Path.of(location.toString()))) {
            throw new IllegalArgumentException("--kafka-config: " + key + " " + location
                    + " is not a readable file; check the path (inside a container: the mount)");
        }
    }

    private static Duration waitTime(Map<String, Object> clientProps, Duration fallback) {
        Object configured = clientProps.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        if (configured == null) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(configured.toString().trim());
            if (ms > 0) {
                return Duration.ofMillis(ms);
            }
        } catch (NumberFormatException e) {
            // the Kafka client names the bad value when it is created
        }
        return fallback;
    }

    private static RuntimeException refused(String bootstrap, List<InetSocketAddress> addresses,
                                            Map<String, Object> clientProps, Duration wait, Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return new IllegalStateException("Kafka at " + bootstrap + " refused the login: " + oneLine(cause)
                    + "; check sasl.jaas.config (user, password) and sasl.mechanism in --kafka-config", cause);
        }
        if (cause instanceof SslAuthenticationException) {
            return new IllegalStateException("TLS handshake with Kafka at " + bootstrap + " failed: "
                    + rootMessage(cause) + "; check that ssl.truststore.* in --kafka-config holds the CA of the"
                    + " broker's certificate and that the certificate names the host", cause);
        }
        if (cause instanceof AuthenticationException) {
            return new IllegalStateException("Kafka at " + bootstrap + " did not authenticate this client: "
                    + oneLine(cause) + "; check the security settings in --kafka-config", cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return noAnswer(bootstrap, addresses, clientProps, wait);
        }
        return new IllegalStateException("Kafka at " + bootstrap + " did not answer: " + oneLine(cause), cause);
    }

    private static IllegalStateException noAnswer(String bootstrap, List<InetSocketAddress> addresses,
                                                  Map<String, Object> clientProps, Duration wait) {
        Object protocol = clientProps.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        if (accepts(addresses)) {
            return new IllegalStateException("Kafka at " + bootstrap + " accepts connections but gave no answer"
                    + " within " + wait.toSeconds() + " s with security.protocol=" + protocol
                    + "; the listener may need other security settings (or this port is another listener's): "
                    + SETTINGS_HINT);
        }
        return new IllegalStateException("no Kafka broker reachable at " + bootstrap + " within " + wait.toSeconds()
                + " s; check --bootstrap-servers and that the broker is up");
    }

    /** Whether anything listens on one of the addresses: tells a wrong port from a wrong protocol. */
    private static boolean accepts(List<InetSocketAddress> addresses) {
        for (InetSocketAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1000);
                return true;
            } catch (IOException e) {
                // try the next one
            }
        }
        return false;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /**
     * An exception's message on one line, followed by its innermost cause's when that says more:
     * Kafka wraps the message that names the cause in layers of its own.
     */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = oneLine(root);
        String outer = oneLine(e);
        return root == e || outer.contains(message) ? outer : outer + ": " + message;
    }
}
