package io.latentwatch.cli;

import io.latentwatch.config.Topics;
import picocli.CommandLine.Option;

/** The detector's output topics: anomalies, embeddings and dead letters. */
final class OutputTopicOptions {
    @Option(names = "--anomaly-topic", defaultValue = Topics.DEFAULT_ANOMALIES, paramLabel = "TOPIC",
            description = "Topic of anomaly records (default: ${DEFAULT-VALUE}).")
    String anomalies;

    @Option(names = "--embedding-topic", defaultValue = Topics.DEFAULT_EMBEDDINGS, paramLabel = "TOPIC",
            description = "Topic of embedding records, one per scored image (default: ${DEFAULT-VALUE}).")
    String embeddings;

    @Option(names = "--dlq-topic", defaultValue = Topics.DEFAULT_DEAD_LETTER, paramLabel = "TOPIC",
            description = "Dead-letter topic: inputs that could not be scored, with the reason"
                    + " (default: ${DEFAULT-VALUE}).")
    String deadLetter;

    /** All topic names, with these outputs. */
    Topics topics(String input, String models) {
        return new Topics(input, anomalies, embeddings, deadLetter, models);
    }
}
