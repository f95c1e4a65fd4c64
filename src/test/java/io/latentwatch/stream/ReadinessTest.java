package io.latentwatch.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicBoolean model = new AtomicBoolean(true);
    private final AtomicLong processed = new AtomicLong();
    private final Readiness readiness = new Readiness(() -> null, model::get, processed::get, clock::get,
            Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void shouldNotBeReadyBeforeStreamsRunsOrWithoutAModel() {
        // Given no Kafka Streams yet and no model
        model.set(false);

        // When asked, Then it says both
        Readiness.Report report = readiness.check();
        assertThat(report.ready()).isFalse();
        assertThat(report.state()).isEqualTo("NOT_STARTED");
        assertThat(report.reasons()).containsExactly("no model loaded yet", "Kafka Streams is not started");
    }

    @Test
    void shouldNotBeReadyForAMinuteAfterAStreamThreadFailed() {
        // Given a stream thread that failed
        readiness.threadFailed();

        // Then readiness names it for the next 60 s
        clock.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(readiness.check().reasons()).anySatisfy(r -> assertThat(r).contains("stream thread failed 59 s ago"));
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(readiness.check().reasons()).noneSatisfy(r -> assertThat(r).contains("stream thread failed"));
    }
}
