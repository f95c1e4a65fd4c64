package io.latentwatch.stream;

/** Where an input record came from. */
public record Origin(String topic, int partition, long offset) {
    /** {@code topic-partition-offset}, the id of an input that names none. */
    public String asId() {
        return topic + "-" + partition + "-" + offset;
    }
}
