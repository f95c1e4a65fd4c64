package io.latentwatch.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;

/** The JSON values of the anomaly and embedding topics. */
public final class OutputRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
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
            Origin input) {
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
            float[] vector) {
    }

    public static byte[] toJson(Anomaly anomaly) {
        return write(ANOMALY, anomaly);
    }

    public static byte[] toJson(Embedding embedding) {
        return write(EMBEDDING, embedding);
    }

    /** The mapper that reads these records back (tests, demo, bench). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write output record", e);
        }
    }
}
