package io.latentwatch.stream;

import io.latentwatch.config.AnomalyMapSettings;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.Topics;
import io.latentwatch.config.Tuning;
import io.latentwatch.image.InputLimits;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.ModelRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The detector topology, a pure function of its topics, limits and model registry:
 * {@code images -> score -> anomalies | embeddings | images-dlq}. Every node is named.
 */
public final class DetectorTopology {
    public static final String SOURCE = "images-source";
    public static final String SCORER = "score";
    public static final String ANOMALY_SINK = "anomalies-sink";
    public static final String EMBEDDING_SINK = "embeddings-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private DetectorTopology() {
    }

    /** Builds the topology with Kafka's default record size limit. */
    public static Topology build(Topics topics, InputLimits limits, ModelRegistry models, DetectorMetrics metrics) {
        return build(topics, limits, models, metrics, RecordBudget.KAFKA_DEFAULT);
    }

    /**
     * Builds the topology, each record scored as it comes ({@link Tuning#UNBATCHED}); the tests use
     * this very method with TopologyTestDriver.
     *
     * @param budget largest record the output topics take; dead letters are cut to fit it
     */
    public static Topology build(Topics topics, InputLimits limits, ModelRegistry models, DetectorMetrics metrics,
                                 RecordBudget budget) {
        return build(topics, limits, models, metrics, budget, Tuning.UNBATCHED, RecordBudget.KAFKA_DEFAULT.maxRecordBytes(),
                AnomalyMapSettings.OFF);
    }

    /** Builds the topology of a detector's configuration: its topics, limits and tuning. */
    public static Topology build(DetectorConfig config, ModelRegistry models, DetectorMetrics metrics,
                                 RecordBudget budget) {
        return build(config.topics(), config.limits(), models, metrics, budget, config.tuning(),
                topicMaxMessageBytes(config), config.anomalyMaps());
    }

    /**
     * Builds the topology; with a batch size above 1 the scorer gets its changelogged buffer store.
     *
     * @param bufferMaxMessageBytes {@code max.message.bytes} of the buffer's changelog topic: an input
     *                              of up to {@code --max-image-bytes} must fit in it
     * @param anomalyMaps           whether anomaly records carry an anomaly map
     */
    public static Topology build(Topics topics, InputLimits limits, ModelRegistry models, DetectorMetrics metrics,
                                 RecordBudget budget, Tuning tuning, int bufferMaxMessageBytes,
                                 AnomalyMapSettings anomalyMaps) {
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        Topology topology = new Topology();
        topology.addSource(SOURCE, bytesIn, bytesIn, topics.input());
        topology.addProcessor(SCORER, () -> new ScoringProcessor(models, metrics, limits, budget, tuning, anomalyMaps),
                SOURCE);
        if (tuning.batchSize() > 1) {
            topology.addStateStore(Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(ScoringProcessor.BUFFER_STORE), Serdes.ByteArray(), Serdes.ByteArray())
                    // the cache keeps a record scored before the next commit out of the changelog: a commit
                    // writes the last value of each slot touched since the previous one (a tombstone for
                    // a slot emptied again), so the changelog takes at most a batch of records per commit
                    .withCachingEnabled()
                    // a segment a minute, so that compaction, which leaves the active segment alone, keeps
                    // what a restarted detector restores to about a minute of commits
                    .withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(bufferMaxMessageBytes),
                            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(BUFFER_SEGMENT.toMillis()))), SCORER);
        }
        topology.addSink(ANOMALY_SINK, topics.anomalies(), bytesOut, bytesOut, SCORER);
        topology.addSink(EMBEDDING_SINK, topics.embeddings(), bytesOut, bytesOut, SCORER);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter(), bytesOut, bytesOut, SCORER);
        return topology;
    }

    /** The batch buffer's changelog topic of an application id. */
    public static String bufferChangelog(String applicationId) {
        return applicationId + "-" + ScoringProcessor.BUFFER_STORE + "-changelog";
    }

    /** How often the batch buffer's changelog rolls a segment (see {@link #build}). */
    static final Duration BUFFER_SEGMENT = Duration.ofMinutes(1);
    /** Room above {@code --max-image-bytes} for the headers a dead letter adds. */
    static final int DEAD_LETTER_HEADROOM = 64 * 1024;
    /**
     * Session timeout of the stream threads' consumers: a killed detector's partitions move to the
     * others after this long (Kafka's default is 45 s). Heartbeats come from a background thread,
     * so slow records do not count against it; only a dead or cut-off process does.
     */
    static final int SESSION_TIMEOUT_MS = 10_000;
    /** Kafka Streams' own {@code poll.ms}: the longest the detector waits in a poll with nothing to fetch. */
    static final long DEFAULT_POLL_MS = 100;

    /**
     * {@code max.message.bytes} of the topics the detector creates: an image of up to
     * {@code --max-image-bytes} fits on the input topic, and its dead letter with the reason headers.
     */
    public static int topicMaxMessageBytes(DetectorConfig config) {
        return Math.max(RecordBudget.KAFKA_DEFAULT.maxRecordBytes() + RecordBudget.FRAMING,
                config.limits().maxBytes() + DEAD_LETTER_HEADROOM);
    }

    /** The Streams producer's {@code max.request.size}: the user's, else as large as the topics created. */
    public static int producerMaxRequestSize(DetectorConfig config) {
        Map<String, String> props = config.connection().properties();
        String own = props.getOrDefault(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (own == null) {
            return topicMaxMessageBytes(config);
        }
        try {
            return Integer.parseInt(own.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("max.request.size in --kafka-config must be a number of bytes, got '"
                    + own + "'");
        }
    }

    /**
     * Streams properties: latentwatch's defaults, then {@code --kafka-config} properties, then the
     * values of explicit flags (bootstrap servers, application id, guarantee, threads, state dir).
     */
    // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG is deprecated in Kafka 4.4 and still read by it; the
    // build fails on warnings (-Werror), so the use is marked here until the setting goes.
    @SuppressWarnings("deprecation")
    public static Properties streamsProperties(DetectorConfig config, Path stateDir, DetectorMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), producerMaxRequestSize(config));
        Map<String, String> own = config.connection().properties();
        boolean classicGroup = own.keySet().stream().noneMatch(k -> k.endsWith("group.protocol"))
                || own.entrySet().stream().filter(e -> e.getKey().endsWith("group.protocol"))
                        .allMatch(e -> e.getValue().trim().equalsIgnoreCase("classic"));
        if (classicGroup && own.keySet().stream().noneMatch(k -> k.endsWith(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
            if (own.keySet().stream().noneMatch(k -> k.endsWith(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG))) {
                props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                        SESSION_TIMEOUT_MS / 4);
            }
        }
        // --commit-interval; a commit.interval.ms in --kafka-config wins
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.tuning().commitInterval().toMillis());
        // Streams commits only between polls, and a poll with nothing to fetch waits poll.ms (100 ms by
        // default): the last records of a burst would wait that long for their commit. No longer than
        // the commit interval, so they wait for that, as they should.
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(DEFAULT_POLL_MS,
                config.tuning().commitInterval().toMillis())));
        props.putAll(own);
        if (config.streams().instanceId() != null) {
            // Streams appends each thread's index, so every consumer has its own static id
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.streams().instanceId());
        }
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.connection().bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.streams().applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.streams().processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streams().streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetter());
        props.put(DeadLetterExceptionHandler.METRICS_CONFIG, metrics);
        return props;
    }
}
