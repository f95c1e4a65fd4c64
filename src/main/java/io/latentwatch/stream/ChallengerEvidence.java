package io.latentwatch.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.util.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A challenger's record so far, read from the embedding topic: the newest embedding records that
 * carry its verdict (the {@code challenger} field with its version), counted by how its flag
 * compares with the serving model's. It is what {@code latentwatch promote} with a rule
 * ({@code --min-records}, {@code --min-agreement}, {@code --flag-rate}) decides on: the topic every
 * detector writes, so the figures cover all of them.
 */
public final class ChallengerEvidence {
    /** Records read per partition in the first pass; each further pass reads four times as many. */
    private static final long FIRST_SPAN = 1000;

    private ChallengerEvidence() {
    }

    /**
     * The challenger's verdicts on the records read, against the serving model's.
     *
     * @param version        the challenger's version
     * @param records        records that carry its verdict
     * @param both           flagged by both
     * @param neither        flagged by neither
     * @param championOnly   flagged by the serving model only
     * @param challengerOnly flagged by the challenger only
     */
    public record Figures(String version, long records, long both, long neither, long championOnly,
                          long challengerOnly) {
        /** Share of the records on which both make the same call; NaN without records. */
        public double agreement() {
            return share(both + neither);
        }

        /** Share of the records the serving model flags. */
        public double championFlagRate() {
            return share(both + championOnly);
        }

        /** Share of the records the challenger flags. */
        public double challengerFlagRate() {
            return share(both + challengerOnly);
        }

        private double share(long n) {
            return records == 0 ? Double.NaN : (double) n / records;
        }

        /** One line of figures. */
        public String describe() {
            return String.format(Locale.ROOT, "challenger %s on %d records: agreement %.4f, flag rate %.4f"
                    + " (serving model %.4f)", version, records, agreement(), challengerFlagRate(),
                    championFlagRate());
        }

        private Figures plus(boolean championFlags, boolean challengerFlags) {
            return new Figures(version, records + 1, both + (championFlags && challengerFlags ? 1 : 0),
                    neither + (!championFlags && !challengerFlags ? 1 : 0),
                    championOnly + (championFlags && !challengerFlags ? 1 : 0),
                    challengerOnly + (!championFlags && challengerFlags ? 1 : 0));
        }
    }

    /**
     * Reads the newest records of {@code topic} back from its end until at least {@code atLeast} of
     * them carry the verdict of challenger {@code version}, or the topic's beginning is reached.
     *
     * @param clientProps Kafka client properties (bootstrap servers, security)
     * @throws IllegalStateException when the topic does not exist or cannot be read in time
     */
    public static Figures read(Map<String, Object> clientProps, String topic, String version, long atLeast,
                               Duration timeout) {
        Map<String, Object> props = ModelTopic.readerProperties(clientProps, "latentwatch-promote-evidence");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the embedding topic '" + topic + "' does not exist; pass the"
                        + " detectors' --embedding-topic");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long span = Math.max(FIRST_SPAN, atLeast); ; span *= 4) {
                boolean whole = true;
                for (TopicPartition tp : partitions) {
                    long from = Math.max(begin.get(tp), end.get(tp) - span);
                    whole &= from == begin.get(tp);
                    consumer.seek(tp, from);
                }
                Figures figures = readTo(consumer, end, version, deadline, topic);
                if (figures.records() >= atLeast || whole) {
                    return figures;
                }
            }
        }
    }

    private static Figures readTo(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
                                  String version, long deadline, String topic) {
        Figures figures = new Figures(version, 0, 0, 0, 0, 0);
        Map<TopicPartition, Long> left = new HashMap<>(end);
        left.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the embedding topic '" + topic + "' to its end in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                JsonNode embedding = json(record.value());
                JsonNode challenger = embedding.path("challenger");
                if (challenger.isObject() && version.equals(challenger.path("model_version").asText())) {
                    figures = figures.plus(embedding.path("anomaly").asBoolean(), challenger.path("anomaly").asBoolean());
                }
            }
            left.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        return figures;
    }

    private static JsonNode json(byte[] value) {
        if (value == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            // not an embedding record (another writer on the topic): no evidence either way
            return Json.MAPPER.createObjectNode();
        }
    }
}
