package io.latentwatch.config;

import java.util.List;
import java.util.Objects;

/**
 * The one registry of topic names; every component reads names from here, never from a literal.
 *
 * @param input      image events ({@code --input-topic}, default {@code images})
 * @param anomalies  one JSON record per anomalous image ({@code --anomaly-topic})
 * @param embeddings one JSON record per scored image ({@code --embedding-topic})
 * @param deadLetter inputs that could not be scored, with the reason ({@code --dlq-topic})
 * @param models     compacted topic of published models ({@code --model-topic})
 */
public record Topics(String input, String anomalies, String embeddings, String deadLetter, String models) {
    public static final String DEFAULT_INPUT = "images";
    public static final String DEFAULT_ANOMALIES = "anomalies";
    public static final String DEFAULT_EMBEDDINGS = "embeddings";
    public static final String DEFAULT_DEAD_LETTER = "images-dlq";
    public static final String DEFAULT_MODELS = "models";

    /** The default names, as README.md ("Topics and records") lists them. */
    public static final Topics DEFAULTS = new Topics(DEFAULT_INPUT, DEFAULT_ANOMALIES, DEFAULT_EMBEDDINGS,
            DEFAULT_DEAD_LETTER, DEFAULT_MODELS);

    public Topics {
        Objects.requireNonNull(input, "input topic");
        Objects.requireNonNull(anomalies, "anomaly topic");
        Objects.requireNonNull(embeddings, "embedding topic");
        Objects.requireNonNull(deadLetter, "dead-letter topic");
        Objects.requireNonNull(models, "model topic");
        List<String> outputs = List.of(anomalies, embeddings, deadLetter);
        if (outputs.contains(input)) {
            throw new IllegalArgumentException("the input topic '" + input
                    + "' is also an output topic; give --input-topic, --anomaly-topic, --embedding-topic and"
                    + " --dlq-topic different names");
        }
    }

    /** The topics the detector writes to. */
    public List<String> outputs() {
        return List.of(anomalies, embeddings, deadLetter);
    }
}
