package io.latentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.Topics;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every input accounted for, read at the end from the topics themselves with read_committed:
 * the input topic (what was really written), the embeddings and dead letters (one of them per
 * input, exactly) and the anomalies (at most one per input).
 *
 * @param inputs            distinct input keys on the input topic
 * @param garbage           of which garbage inputs
 * @param inputDuplicates   input keys written more than once (the suite's producer is idempotent: 0)
 * @param embeddings        embedding records, duplicates included
 * @param deadLetters       dead-letter records, duplicates included
 * @param anomalies         anomaly records, duplicates included
 * @param lost              inputs with neither an embedding nor a dead letter
 * @param duplicated        inputs with more than one embedding or dead letter in all
 * @param misrouted         valid images dead-lettered, or garbage scored
 * @param anomalyDuplicates inputs with more than one anomaly record
 * @param foreignOutputs    output records whose key is no input of the run
 * @param versions          embeddings per model version
 * @param versionRegressions embeddings scored by an older model than an earlier input of the same
 *                           input partition was (models are ranked by publication order)
 */
public record Accounting(long inputs, long garbage, long inputDuplicates, long embeddings, long deadLetters,
                         long anomalies,
                  long lost, long duplicated, long misrouted, long anomalyDuplicates, long foreignOutputs,
                  Map<String, Long> versions, long versionRegressions) {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /**
     * Reads the topics of a run to their ends.
     *
     * @param publishedVersions model versions in the order they were published
     */
    static Accounting read(Map<String, Object> clientProps, Topics topics, List<String> publishedVersions) {
        Map<String, Integer> inputs = new HashMap<>();
        Map<String, Integer> embedded = new HashMap<>();
        Map<String, Integer> dead = new HashMap<>();
        Map<String, Integer> anomalous = new HashMap<>();
        Map<String, Long> versions = new TreeMap<>();
        Map<Integer, TreeMap<Long, Integer>> ranksByInputPartition = new HashMap<>();
        long[] counts = new long[3];
        readAll(clientProps, topics.input(), r -> inputs.merge(r.key(), 1, Integer::sum));
        readAll(clientProps, topics.embeddings(), r -> {
            counts[0]++;
            embedded.merge(r.key(), 1, Integer::sum);
            JsonNode json = json(r);
            String version = json.path("model_version").asText("?");
            versions.merge(version, 1L, Long::sum);
            ranksByInputPartition.computeIfAbsent(json.path("input").path("partition").asInt(-1), p -> new TreeMap<>())
                    .put(json.path("input").path("offset").asLong(-1), publishedVersions.indexOf(version));
        });
        readAll(clientProps, topics.deadLetter(), r -> {
            counts[1]++;
            dead.merge(r.key(), 1, Integer::sum);
        });
        readAll(clientProps, topics.anomalies(), r -> {
            counts[2]++;
            anomalous.merge(r.key(), 1, Integer::sum);
        });

        long garbage = 0;
        long inputDuplicates = 0;
        long lost = 0;
        long duplicated = 0;
        long misrouted = 0;
        for (Map.Entry<String, Integer> input : inputs.entrySet()) {
            String key = input.getKey();
            boolean isGarbage = InputWriter.isGarbage(key);
            garbage += isGarbage ? 1 : 0;
            inputDuplicates += input.getValue() > 1 ? 1 : 0;
            int scored = embedded.getOrDefault(key, 0);
            int deadLettered = dead.getOrDefault(key, 0);
            lost += scored + deadLettered == 0 ? 1 : 0;
            duplicated += scored + deadLettered > 1 ? 1 : 0;
            misrouted += (isGarbage ? scored : deadLettered) > 0 ? 1 : 0;
        }
        long anomalyDuplicates = anomalous.values().stream().filter(n -> n > 1).count();
        long foreign = 0;
        for (Map<String, Integer> outputs : List.of(embedded, dead, anomalous)) {
            for (Map.Entry<String, Integer> e : outputs.entrySet()) {
                foreign += inputs.containsKey(e.getKey()) ? 0 : e.getValue();
            }
        }
        long regressions = 0;
        for (TreeMap<Long, Integer> ranks : ranksByInputPartition.values()) {
            int highest = Integer.MIN_VALUE;
            for (int rank : ranks.values()) {
                regressions += rank < highest ? 1 : 0;
                highest = Math.max(highest, rank);
            }
        }
        return new Accounting(inputs.size(), garbage, inputDuplicates, counts[0], counts[1], counts[2], lost,
                duplicated, misrouted, anomalyDuplicates, foreign, versions, regressions);
    }

    /** The figures as JSON fields, in a stable order. */
    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs);
        m.put("garbage_inputs", garbage);
        m.put("input_duplicates", inputDuplicates);
        m.put("embeddings", embeddings);
        m.put("dead_letters", deadLetters);
        m.put("anomalies", anomalies);
        m.put("lost", lost);
        m.put("duplicated", duplicated);
        m.put("misrouted", misrouted);
        m.put("anomaly_duplicates", anomalyDuplicates);
        m.put("foreign_outputs", foreignOutputs);
        m.put("embeddings_per_model_version", versions);
        m.put("version_regressions", versionRegressions);
        return m;
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return Json.MAPPER.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable output at " + record.topic() + "-" + record.partition() + "@"
                    + record.offset(), e);
        }
    }

    private static void readAll(Map<String, Object> clientProps, String topic,
                                Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, TIMEOUT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // with read_committed these are the last stable offsets: every transaction is decided by now
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic '" + topic + "' to its end within "
                            + TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
