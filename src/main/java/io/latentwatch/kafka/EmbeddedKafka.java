package io.latentwatch.kafka;

import io.latentwatch.util.FileTrees;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, on
 * free loopback ports, with its data in a temporary directory removed by {@link #close()}, or in
 * a directory of the caller's that it keeps, so that a broker can be stopped and started again
 * on the same data (see {@link #start(int, Path)}).
 *
 * <p>Optionally it also has a SASL_SSL listener ({@link SaslSslListener}: TLS and SCRAM-SHA-512
 * logins), for proving that clients connect to a secured cluster.
 *
 * <p>This is the broker the Kafka distribution runs ({@code kafka.server.KafkaRaftServer}); its
 * classes are internal to Kafka, so they are used here and nowhere else.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private final Path dataDir;
    private final boolean temporary;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String saslSslBootstrapServers;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, boolean temporary, KafkaRaftServer server, String bootstrapServers,
                          String saslSslBootstrapServers) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.saslSslBootstrapServers = saslSslBootstrapServers;
    }

    /**
     * Formats a fresh log directory, starts the broker, and returns once a real produce, consume
     * and consumer-group round trip has succeeded.
     */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /**
     * Starts the broker with its client listener on the given loopback port (0: a free one).
     *
     * @throws IllegalStateException with a one-line message when the port is in use
     * @see #start()
     */
    public static EmbeddedKafka start(int port) {
        return start(port, null, null);
    }

    /**
     * Starts the broker on the given loopback port (0: a free one) with its data in
     * {@code dataDir}, which is created and formatted on first use, reused as it is when it holds
     * a formatted broker already, and kept by {@link #close()}; a null {@code dataDir} takes a
     * temporary directory that {@link #close()} removes.
     *
     * @see #start()
     */
    public static EmbeddedKafka start(int port, Path dataDir) {
        return start(port, dataDir, null);
    }

    /**
     * Starts the broker with a SASL_SSL (SCRAM-SHA-512) listener on a free loopback port next to
     * the PLAINTEXT one, and returns once a client has logged in through it.
     *
     * @see #saslSslBootstrapServers()
     */
    public static EmbeddedKafka start(SaslSslListener saslSsl) {
        return start(0, null, saslSsl);
    }

    private static EmbeddedKafka start(int port, Path ownDir, SaslSslListener saslSsl) {
        if (port != 0) {
            requireFree(port);
        }
        boolean temporary = ownDir == null;
        Path dataDir;
        try {
            dataDir = temporary ? Files.createTempDirectory("latentwatch-kafka-") : Files.createDirectories(ownDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the embedded broker: " + e.getMessage(), e);
        }
        KafkaRaftServer server = null;
        try {
            int brokerPort = port == 0 ? freePort() : port;
            // the system may hand out the port it just freed again: every listener needs its own
            int controllerPort = freePortOtherThan(brokerPort);
            int saslSslPort = saslSsl == null ? -1 : freePortOtherThan(brokerPort, controllerPort);
            Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
            if (saslSsl != null) {
                addListener(props, SaslSslListener.NAME, saslSslPort);
                saslSsl.addBrokerProperties(props);
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(dataDir, props);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, temporary, server, "127.0.0.1:" + brokerPort,
                    saslSsl == null ? null : "127.0.0.1:" + saslSslPort);
            Duration timeout = Duration.ofSeconds(60);
            kafka.awaitReady(timeout);
            if (saslSsl != null) {
                kafka.awaitSaslSslReady(saslSsl, timeout);
                LOG.info("embedded Kafka broker ready at {} (PLAINTEXT) and {} (SASL_SSL)", kafka.bootstrapServers(),
                        kafka.saslSslBootstrapServers());
            } else {
                LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers());
            }
            return kafka;
        } catch (RuntimeException | Error e) {
            stopQuietly(server);
            if (temporary) {
                FileTrees.deleteRecursively(dataDir);
            }
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            if (temporary) {
                FileTrees.deleteRecursively(dataDir);
            }
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private static void addListener(Properties p, String name, int port) {
        p.put("listeners", p.getProperty("listeners") + "," + name + "://127.0.0.1:" + port);
        p.put("advertised.listeners", p.getProperty("advertised.listeners") + "," + name + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + "," + name + ":" + name);
    }

    /**
     * Fails with one line when a fixed port is taken: Kafka itself would log the failed bind with
     * some 150 stack frames before giving up.
     */
    private static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + ": the port is in use (another"
                    + " Kafka broker?); stop what holds it, or pick another port (0 picks a free one)");
        }
    }

    private static void format(Path dataDir, Properties props) throws Exception {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(props.getProperty("log.dirs")))
                    .setMetadataLogDirectory(props.getProperty("log.dirs"))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName("CONTROLLER")
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        }
    }

    /** Proves the broker serves: creates a topic, produces, and consumes through a consumer group. */
    private void awaitReady(Duration timeout) throws Exception {
        String topic = "__latentwatch-readiness";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (!admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "ready".getBytes(StandardCharsets.UTF_8)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "latentwatch-readiness",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                    return;
                }
            }
        }
        throw new IllegalStateException("the embedded broker did not complete a produce/consume round trip within "
                + timeout.toSeconds() + " s");
    }

    /**
     * Creates the SCRAM users over the PLAINTEXT listener, then proves a client logs in over
     * SASL_SSL and gets an answer: "port bound" is not "credentials known".
     */
    private void awaitSaslSslReady(SaslSslListener saslSsl, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            saslSsl.createUsers(admin, deadline);
        }
        String user = saslSsl.users().keySet().iterator().next();
        try (Admin admin = Admin.create(saslSsl.clientProperties(saslSslBootstrapServers, user))) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** {@code 127.0.0.1:PORT} of the broker listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code 127.0.0.1:PORT} of the SASL_SSL listener.
     *
     * @throws IllegalStateException when the broker was started without one
     */
    public String saslSslBootstrapServers() {
        if (saslSslBootstrapServers == null) {
            throw new IllegalStateException("this embedded broker has no SASL_SSL listener; start it with one");
        }
        return saslSslBootstrapServers;
    }

    /** The directory holding the broker's logs; a temporary one is gone after {@link #close()}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker; deletes its data when it was in a temporary directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(server);
        if (temporary) {
            FileTrees.deleteRecursively(dataDir);
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded broker shutdown: {}", e.toString());
        }
    }

    private static int freePortOtherThan(int... taken) throws IOException {
        while (true) {
            int candidate = freePort();
            if (java.util.Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                return candidate;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
