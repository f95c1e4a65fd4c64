package io.latentwatch.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.latentwatch.util.Json;

import java.time.Instant;

/**
 * The JSON values of the anomaly and embedding topics. The detector writes them with a
 * {@link Writer}, by hand into a reused buffer; {@link #toJson} writes the same bytes with
 * Jackson, from the records below, and is the reference the writer is tested against.
 */
public final class OutputRecords {
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final ObjectWriter ANOMALY = MAPPER.writerFor(Anomaly.class);
    private static final ObjectWriter EMBEDDING = MAPPER.writerFor(Embedding.class);

    private OutputRecords() {
    }

    /** Value of an {@code anomalies} record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Anomaly(
            String id,
            String source,
            String type,
            @JsonProperty("event_time") Instant eventTime,
            float score,
            double threshold,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            Origin input,
            Challenger challenger,
            @JsonProperty("anomaly_map") String anomalyMap) {
        /** An anomaly record without a challenger or an anomaly map. */
        public Anomaly(String id, String source, String type, Instant eventTime, float score, double threshold,
                       String modelName, String modelVersion, Origin input) {
            this(id, source, type, eventTime, score, threshold, modelName, modelVersion, input, null, null);
        }
    }

    /** Value of an {@code embeddings} record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Embedding(
            String id,
            @JsonProperty("event_time") Instant eventTime,
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            float score,
            double threshold,
            boolean anomaly,
            Origin input,
            Challenger challenger,
            float[] vector) {
        /** An embedding record without a challenger. */
        public Embedding(String id, Instant eventTime, String modelName, String modelVersion, float score,
                         double threshold, boolean anomaly, Origin input, float[] vector) {
            this(id, eventTime, modelName, modelVersion, score, threshold, anomaly, input, null, vector);
        }
    }

    /**
     * The {@code challenger} field of both records, present while a challenger is scored in the
     * shadow of the serving model: its version, its score of the same image, its threshold and
     * whether it would have flagged the image. It decides nothing.
     */
    public record Challenger(
            @JsonProperty("model_version") String modelVersion,
            float score,
            double threshold,
            boolean anomaly) {
    }

    public static byte[] toJson(Anomaly anomaly) {
        return write(ANOMALY, anomaly);
    }

    public static byte[] toJson(Embedding embedding) {
        return write(EMBEDDING, embedding);
    }

    /**
     * Writes the output records of the stream thread that owns it, field by field in the order and
     * with the names of {@link Anomaly} and {@link Embedding}, leaving out null fields as they do.
     * Not thread-safe: one per processor.
     */
    public static final class Writer {
        private final JsonOut out = new JsonOut();

        /** The value of an {@code anomalies} record without a challenger or an anomaly map. */
        public byte[] anomaly(String id, String source, String type, Instant eventTime, float score, double threshold,
                              String modelName, String modelVersion, Origin input) {
            return anomaly(id, source, type, eventTime, score, threshold, modelName, modelVersion, input, null, null);
        }

        /**
         * The value of an {@code anomalies} record, as {@link #toJson(Anomaly)} writes it.
         *
         * @param challenger the challenger's verdict, or null when none is scored in the shadow
         * @param anomalyMap the anomaly map PNG in base64, or null for none
         */
        public byte[] anomaly(String id, String source, String type, Instant eventTime, float score, double threshold,
                              String modelName, String modelVersion, Origin input, Challenger challenger,
                              String anomalyMap) {
            out.begin().field("id", id).field("source", source).field("type", type).field("event_time", eventTime)
                    .field("score", score).field("threshold", threshold).field("model_name", modelName)
                    .field("model_version", modelVersion);
            origin(input);
            return challenger(challenger).field("anomaly_map", anomalyMap).end();
        }

        /** The value of an {@code embeddings} record, as {@link #toJson(Embedding)} writes it. */
        public byte[] embedding(String id, Instant eventTime, String modelName, String modelVersion, float score,
                                double threshold, boolean anomaly, Origin input, float[] vector) {
            return embedding(id, eventTime, modelName, modelVersion, score, threshold, anomaly, input, null, vector);
        }

        /** The value of an {@code embeddings} record with its challenger's verdict (null: none). */
        public byte[] embedding(String id, Instant eventTime, String modelName, String modelVersion, float score,
                                double threshold, boolean anomaly, Origin input, Challenger challenger,
                                float[] vector) {
            out.begin().field("id", id).field("event_time", eventTime).field("model_name", modelName)
                    .field("model_version", modelVersion).field("score", score).field("threshold", threshold)
                    .field("anomaly", anomaly);
            origin(input);
            return challenger(challenger).field("vector", vector).end();
        }

        private JsonOut challenger(Challenger challenger) {
            if (challenger == null) {
                return out;
            }
            return out.openObject("challenger").field("model_version", challenger.modelVersion())
                    .field("score", challenger.score()).field("threshold", challenger.threshold())
                    .field("anomaly", challenger.anomaly()).closeObject();
        }

        private JsonOut origin(Origin input) {
            if (input == null) {
                return out;
            }
            return out.openObject("input").field("topic", input.topic()).field("partition", (long) input.partition())
                    .field("offset", input.offset()).closeObject();
        }
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write output record", e);
        }
    }
}
