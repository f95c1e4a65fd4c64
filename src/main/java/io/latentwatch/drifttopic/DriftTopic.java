package io.latentwatch.drifttopic;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * The drift topic contract, in one place for its writers (every detector's drift publisher) and
 * its reader (the trainer's drift-triggered retraining): a compacted topic whose record key is
 * {@code MODEL/INSTANCE}, so that the latest summary of every detector instance about every model
 * name survives compaction, and whose value is a {@link DriftSummary} as JSON. A detector that stops
 * cleanly writes a tombstone (null value) under its key; one that dies leaves a summary that goes
 * stale after {@link DriftSummary#STALE_INTERVALS} intervals. Readers take the fields from the
 * value, never from the key.
 */
public final class DriftTopic {
    /** Default name of the drift topic. */
    public static final String DEFAULT = "model-drift";

    private DriftTopic() {
    }

    /** The record key of {@code instance}'s summaries about model {@code model}. */
    public static String key(String model, String instance) {
        return model + "/" + instance;
    }

    /**
     * This process's default instance name: the host name and the process id, unique among
     * running detectors (a restart gets a new key; its old summary goes stale).
     */
    public static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /**
     * Producer properties of a drift publisher: idempotent, acks=all, not transactional (summaries
     * are telemetry outside the detector's exactly-once transactions).
     */
    public static Map<String, Object> producerProperties(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // a summary is worth little late: do not queue them for long behind an unreachable broker
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return props;
    }

    /** Consumer properties of a drift reader: no group, nothing committed. */
    public static Map<String, Object> readerProperties(Map<String, Object> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
