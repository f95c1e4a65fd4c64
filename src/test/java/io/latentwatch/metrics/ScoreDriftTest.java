package io.latentwatch.metrics;

import io.latentwatch.model.ModelInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScoreDriftTest {
    private final AtomicLong clock = new AtomicLong();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final ScoreDrift drift = new ScoreDrift(1000, clock::get);

    ScoreDriftTest() {
        drift.bindTo(registry);
    }

    @Test
    void shouldCompareTheLiveScoresWithTheModelsValidationScores() {
        // Given a model validated on scores uniform on [0, 0.01]
        ModelInfo model = TestModelInfos.withReference("v1", 0.01);
        drift.modelSwapped(model);

        // When it scores 500 images uniform on [0, 0.02]
        record(model, 0, 0.02, 500);

        // Then KS is the gap at 0.01 (1 - 0.5) and the window holds the 500 scores
        assertThat(gauge("psi")).isGreaterThan(0.25);
        assertThat(gauge("ks")).isCloseTo(0.5, within(0.01));
        assertThat(gauge("window.scores")).isEqualTo(500);
    }

    @Test
    void shouldSnapshotTheFiguresTheDriftSummariesPublish() {
        // Given no model yet  Then there is nothing to publish
        assertThat(drift.snapshot()).isEmpty();

        // Given a model that scored 1500 images, more than the window of 1000 holds
        ModelInfo model = TestModelInfos.withReference("v1", 0.01);
        drift.modelSwapped(model);
        record(model, 0, 0.02, 1500);

        // When a snapshot is taken
        ScoreDrift.Snapshot snapshot = drift.snapshot().orElseThrow();

        // Then it names the model, the window and all its scores, with the same figures as the gauges
        assertThat(snapshot.model()).isSameAs(model);
        assertThat(snapshot.window()).isEqualTo(1000);
        assertThat(snapshot.scored()).isEqualTo(1500);
        assertThat(snapshot.psi()).isEqualTo(gauge("psi"));
        assertThat(snapshot.ks()).isEqualTo(gauge("ks"));
    }

    @Test
    void shouldReportNaNUntilTheWindowHoldsEnoughScores() {
        // Given a model with validation scores, and fewer live scores than the minimum
        ModelInfo model = TestModelInfos.withReference("v1", 0.01);
        drift.modelSwapped(model);
        record(model, 0, 0.01, ScoreDrift.MIN_SCORES - 1);

        // When scraped  Then the drift is not reported yet
        assertThat(gauge("psi")).isNaN();
        assertThat(gauge("ks")).isNaN();
        assertThat(gauge("window.scores")).isEqualTo(ScoreDrift.MIN_SCORES - 1);

        // And once the minimum is reached (a second later) it is
        record(model, 0, 0.01, 1);
        clock.addAndGet(1_000_000_000L);
        assertThat(gauge("ks")).isCloseTo(0, within(0.02));
    }

    @Test
    void shouldReportNaNForAModelWithoutValidationScores() {
        // Given a user-exported model without latentwatch metadata that scored many images
        ModelInfo model = TestModelInfos.info("user", Map.of());
        drift.modelSwapped(model);
        record(model, 0, 1, 500);

        // When scraped  Then drift is absent (NaN), not an error, and the window still counts
        assertThat(gauge("psi")).isNaN();
        assertThat(gauge("ks")).isNaN();
        assertThat(gauge("window.scores")).isEqualTo(500);
    }

    @Test
    void shouldStartAFreshWindowOnAModelSwapAndIgnoreScoresOfTheOldModel() {
        // Given a model that scored 500 images far from its validation scores
        ModelInfo v1 = TestModelInfos.withReference("v1", 0.01);
        drift.modelSwapped(v1);
        record(v1, 1, 2, 500);
        assertThat(gauge("ks")).isEqualTo(1);

        // When a new model is installed, and a record still in flight under the old one is scored
        ModelInfo v2 = TestModelInfos.withReference("v2", 0.01);
        drift.modelSwapped(v2);
        record(v1, 1, 2, 50);

        // Then the window is empty, and fills with the new model's scores only
        assertThat(gauge("window.scores")).isZero();
        record(v2, 0, 0.01, 200);
        assertThat(gauge("window.scores")).isEqualTo(200);
        assertThat(gauge("ks")).isCloseTo(0, within(0.02));
    }

    @Test
    void shouldKeepOnlyTheLastScoresOfAFullWindow() {
        // Given a window of 1000 scores and a model that first scored 1000 anomalous images
        ModelInfo model = TestModelInfos.withReference("v1", 0.01);
        drift.modelSwapped(model);
        record(model, 1, 2, 1000);

        // When 1000 normal images follow
        record(model, 0, 0.01, 1000);
        clock.addAndGet(1_000_000_000L);

        // Then the window holds only those: no drift
        assertThat(gauge("window.scores")).isEqualTo(1000);
        assertThat(gauge("ks")).isCloseTo(0, within(0.01));
    }

    @Test
    void shouldKeepEveryScoreWrittenByConcurrentStreamThreads() throws Exception {
        // Given a model and four stream threads scoring at once
        ScoreDrift large = new ScoreDrift(100_000, clock::get);
        MeterRegistry meters = new SimpleMeterRegistry();
        large.bindTo(meters);
        ModelInfo model = TestModelInfos.withReference("v1", 1);
        large.modelSwapped(model);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    large.record(model, (i + 0.5f) / 20_000);
                }
            });
            thread.start();
            threads.add(thread);
        }

        // When they are done
        for (Thread thread : threads) {
            thread.join();
        }

        // Then all 80000 scores are in the window, none lost or torn: they follow the validation scores
        assertThat(meters.get("latentwatch.score.drift.window.scores").gauge().value()).isEqualTo(80_000);
        assertThat(meters.get("latentwatch.score.drift.ks").gauge().value()).isCloseTo(0, within(1e-3));
    }

    private void record(ModelInfo model, double from, double to, int n) {
        for (int i = 0; i < n; i++) {
            drift.record(model, (float) (from + (to - from) * (i + 0.5) / n));
        }
        // a scrape sees new scores at most once a second
        clock.addAndGet(1_000_000_000L);
    }

    private double gauge(String name) {
        return registry.get("latentwatch.score.drift." + name).gauge().value();
    }
}
