package io.latentwatch.config;

/**
 * What the detector does about missing topics at start.
 *
 * @param create            create missing topics ({@code --create-topics}); otherwise a missing
 *                          topic is an error that names it
 * @param partitions        partitions of the topics it creates ({@code --topic-partitions})
 * @param replicationFactor replication factor of the topics it creates ({@code --replication-factor});
 *                          -1 takes the broker's default
 */
public record TopicSetup(boolean create, int partitions, short replicationFactor) {
    /** Default of {@code --topic-partitions}. */
    public static final int DEFAULT_PARTITIONS = 3;
    /** Default of {@code --replication-factor}: the broker's {@code default.replication.factor}. */
    public static final short BROKER_DEFAULT_REPLICATION = -1;
    /** The defaults of {@code latentwatch detect}: create what is missing, 3 partitions, broker replication. */
    public static final TopicSetup DEFAULT = new TopicSetup(true, DEFAULT_PARTITIONS, BROKER_DEFAULT_REPLICATION);

    public TopicSetup {
        if (partitions < 1) {
            throw new IllegalArgumentException("--topic-partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < -1 || replicationFactor == 0) {
            throw new IllegalArgumentException("--replication-factor must be -1 (broker default) or at least 1, got "
                    + replicationFactor);
        }
    }

    /** Creates missing topics with {@code partitions} partitions and the broker's replication. */
    public static TopicSetup create(int partitions) {
        return new TopicSetup(true, partitions, BROKER_DEFAULT_REPLICATION);
    }

    /** Creates nothing: every topic must exist. */
    public static TopicSetup existingOnly() {
        return new TopicSetup(false, DEFAULT_PARTITIONS, BROKER_DEFAULT_REPLICATION);
    }
}
