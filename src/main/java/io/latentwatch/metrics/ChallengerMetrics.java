package io.latentwatch.metrics;

import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Meters of shadow scoring: how a challenger's decisions compare with the serving model's on the
 * same records ({@code latentwatch_challenger_comparisons_total{outcome}}), which challenger is
 * loaded ({@code latentwatch_challenger_info{name,version}}), its threshold, and the drift of its
 * live scores against its own validation scores ({@code latentwatch_challenger_score_drift_*}).
 * The serving model's side is the detector's usual meters ({@code latentwatch_score_drift_psi},
 * {@code latentwatch_model_info}, ...).
 *
 * <p>Labels are bounded: five outcomes, and the info gauge carries only the loaded challenger.
 */
public final class ChallengerMetrics {
    /** How the challenger's flag compares with the serving model's for one record. */
    public enum Outcome {
        /** Both flag the image. */
        BOTH("both"),
        /** Neither flags it. */
        NEITHER("neither"),
        /** Only the serving model (the champion) flags it. */
        CHAMPION_ONLY("champion-only"),
        /** Only the challenger flags it. */
        CHALLENGER_ONLY("challenger-only"),
        /** The challenger could not score it (its inference failed); the record was served all the same. */
        FAILED("failed");

        private final String id;

        Outcome(String id) {
            this.id = id;
        }

        /** The {@code outcome} label value. */
        public String id() {
            return id;
        }

        /** The outcome of a record both models scored. */
        public static Outcome of(boolean championFlags, boolean challengerFlags) {
            if (championFlags) {
                return challengerFlags ? BOTH : CHAMPION_ONLY;
            }
            return challengerFlags ? CHALLENGER_ONLY : NEITHER;
        }
    }

    private final Map<Outcome, Counter> comparisons = new EnumMap<>(Outcome.class);
    private final AtomicReference<ModelInfo> current = new AtomicReference<>();
    private final MultiGauge info;
    private final ScoreDrift drift;

    /** Registers the meters, all at 0 (or NaN) until a challenger is loaded. */
    public ChallengerMetrics(MeterRegistry registry, int driftWindow) {
        for (Outcome outcome : Outcome.values()) {
            comparisons.put(outcome, Counter.builder("latentwatch.challenger.comparisons")
                    .description("Records scored by the serving model and the challenger, by how their anomaly flags"
                            + " compare: both, neither, champion-only, challenger-only; failed when the challenger"
                            + " could not score")
                    .tag("outcome", outcome.id()).register(registry));
        }
        info = MultiGauge.builder("latentwatch.challenger.info")
                .description("1 for the challenger scored in the shadow, labelled with its name and version")
                .register(registry);
        Gauge.builder("latentwatch.challenger.loaded", current, c -> c.get() == null ? 0 : 1)
                .description("1 while a challenger is loaded and scored in the shadow, else 0").register(registry);
        Gauge.builder("latentwatch.challenger.threshold", current, c -> c.get() == null ? Double.NaN
                        : c.get().threshold())
                .description("Anomaly threshold of the challenger (its own, or --threshold); NaN without one")
                .register(registry);
        drift = new ScoreDrift(driftWindow);
        Gauge.builder("latentwatch.challenger.score.drift.psi", drift, ScoreDrift::psi)
                .description("Population stability index of the challenger's live scores against its own validation"
                        + " scores; NaN without a challenger, a reference or " + ScoreDrift.MIN_SCORES + " scores")
                .register(registry);
        Gauge.builder("latentwatch.challenger.score.drift.ks", drift, ScoreDrift::ks)
                .description("Kolmogorov-Smirnov statistic of the challenger's live scores against its own"
                        + " validation scores; NaN without a challenger, a reference or enough scores")
                .register(registry);
        Gauge.builder("latentwatch.challenger.score.drift.window.scores", drift, ScoreDrift::windowScores)
                .description("Challenger scores in its drift window (emptied when another challenger is loaded)")
                .register(registry);
    }

    /** Keeps the meters on whatever {@code challengerSlot} (a registry's {@code challenger()}) holds. */
    public void follow(ModelRegistry challengerSlot) {
        challengerSlot.onSwap(this::challengerLoaded);
        challengerSlot.onClear(this::challengerRemoved);
        challengerSlot.current().ifPresent(this::challengerLoaded);
    }

    /** A challenger was installed: the info gauge and a new drift window follow it. */
    public void challengerLoaded(ModelInfo challenger) {
        current.set(challenger);
        info.register(List.of(MultiGauge.Row.of(Tags.of("name", challenger.name(), "version",
                challenger.version()), 1)), true);
        drift.modelSwapped(challenger);
    }

    /** The challenger was withdrawn or promoted. */
    public void challengerRemoved(ModelInfo challenger) {
        current.compareAndSet(challenger, null);
        if (current.get() == null) {
            info.register(List.of(), true);
            drift.modelRemoved();
        }
    }

    /** Records one record scored by both models; the score counts toward drift while {@code by} is loaded. */
    public void compared(ModelInfo by, float score, boolean championFlags, boolean challengerFlags) {
        comparisons.get(Outcome.of(championFlags, challengerFlags)).increment();
        drift.record(by, score);
    }

    /** Records images the challenger failed to score. */
    public void failed(int images) {
        comparisons.get(Outcome.FAILED).increment(images);
    }
}
