package io.latentwatch.testing;

import io.latentwatch.config.Topics;

import java.util.UUID;

/** Topic names for integration tests that share one broker. */
public final class TestTopics {
    private TestTopics() {
    }

    /** The five topics, named with a random prefix of their own. */
    public static Topics unique() {
        String p = UUID.randomUUID().toString().substring(0, 8) + "-";
        return new Topics(p + "images", p + "anomalies", p + "embeddings", p + "images-dlq", p + "models");
    }
}
