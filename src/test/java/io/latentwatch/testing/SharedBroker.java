package io.latentwatch.testing;

import io.latentwatch.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded KRaft broker for all the tests of a class, started before the first and
 * closed after the last:
 * {@code @RegisterExtension static final SharedBroker KAFKA = new SharedBroker();}. Tests that
 * share it keep apart by topic names ({@link TestTopics}).
 */
public final class SharedBroker implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The broker's bootstrap servers. */
    public String bootstrapServers() {
        if (kafka == null) {
            throw new IllegalStateException("the shared broker runs only between the class's first and last test");
        }
        return kafka.bootstrapServers();
    }
}
