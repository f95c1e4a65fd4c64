package io.latentwatch.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Tags every meter with the Kafka Streams application id as {@code application_id}, so that
 * dashboards can tell detector applications apart. Kafka's own Streams metrics already carry the
 * application id (as {@code application-id}/{@code application.id}, which Prometheus also names
 * {@code application_id}); those meters are left as they are, since a series cannot carry a label
 * twice.
 */
public final class ApplicationIdTag implements MeterFilter {
    /** The Prometheus label name. */
    public static final String LABEL = "application_id";
    private final String applicationId;

    public ApplicationIdTag(String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        for (Tag tag : id.getTagsAsIterable()) {
            if (tag.getKey().replace('.', '_').replace('-', '_').equals(LABEL)) {
                return id;
            }
        }
        return id.withTag(Tag.of(LABEL, applicationId));
    }
}
