package io.latentwatch.stream;

import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.Topics;
import io.latentwatch.image.InputLimits;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.ModelRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.nio.file.Path;
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

    /** Builds the topology; the tests use this very method with TopologyTestDriver. */
    public static Topology build(Topics topics, InputLimits limits, ModelRegistry models, DetectorMetrics metrics) {
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        Topology topology = new Topology();
        topology.addSource(SOURCE, bytesIn, bytesIn, topics.input());
        topology.addProcessor(SCORER, () -> new ScoringProcessor(models, metrics, limits), SOURCE);
        topology.addSink(ANOMALY_SINK, topics.anomalies(), bytesOut, bytesOut, SCORER);
        topology.addSink(EMBEDDING_SINK, topics.embeddings(), bytesOut, bytesOut, SCORER);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter(), bytesOut, bytesOut, SCORER);
        return topology;
    }

    /**
     * Streams properties: latentwatch's defaults, then {@code --kafka-config} properties, then the
     * values of explicit flags (bootstrap servers, application id, guarantee, threads, state dir).
     */
    public static Properties streamsProperties(DetectorConfig config, Path stateDir, DetectorMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.putAll(config.kafkaProperties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetter());
        props.put(DeadLetterExceptionHandler.METRICS_CONFIG, metrics);
        return props;
    }
}
