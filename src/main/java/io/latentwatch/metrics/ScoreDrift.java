package io.latentwatch.metrics;

import io.latentwatch.model.ModelInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Score drift of the model being served: its live scores over a sliding window of the last
 * {@code capacity} scores against the validation score distribution stored in the model, as the
 * gauges {@code latentwatch_score_drift_psi}, {@code latentwatch_score_drift_ks} and
 * {@code latentwatch_score_drift_window_scores}.
 *
 * <p>The hot path ({@link #record}) is one volatile read, one atomic increment and one release
 * write. The statistics are computed when Prometheus scrapes, by the scraping thread, at most
 * once a second (a copy and a sort of the window: about a millisecond for 8192 scores). A model
 * swap starts a new, empty window, and scores of the previous model still in flight are not counted
 * in it. The drift gauges are NaN while the window holds fewer than {@link #MIN_SCORES} scores, and
 * for a model without a stored validation distribution.
 */
public final class ScoreDrift {
    /** Default window: the last 8192 scores. */
    public static final int DEFAULT_CAPACITY = 8192;
    /** Fewest live scores for which PSI and KS are reported. */
    public static final int MIN_SCORES = 100;
    private static final long MIN_RECOMPUTE_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(ScoreDrift.class);

    private final int capacity;
    private final LongSupplier nanoTime;
    private volatile Window window;
    // touched only by scraping threads, under this object's lock
    private Figures figures;
    private float[] scratch;

    public ScoreDrift(int capacity) {
        this(capacity, System::nanoTime);
    }

    ScoreDrift(int capacity, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        if (capacity < MIN_SCORES) {
            throw new IllegalArgumentException("the drift window must hold at least " + MIN_SCORES
                    + " scores, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Registers the drift gauges. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("latentwatch.score.drift.psi", this, d -> d.figures().psi)
                .description("Population stability index of the live score window against the model's validation"
                        + " scores (10 decile bins); NaN without a reference or under " + MIN_SCORES + " scores")
                .register(registry);
        Gauge.builder("latentwatch.score.drift.ks", this, d -> d.figures().ks)
                .description("Kolmogorov-Smirnov statistic of the live score window against the model's validation"
                        + " scores; NaN without a reference or under " + MIN_SCORES + " scores")
                .register(registry);
        Gauge.builder("latentwatch.score.drift.window.scores", this, d -> d.figures().size)
                .description("Live scores in the drift window (up to " + capacity + "; emptied on a model swap)")
                .register(registry);
    }

    /** Starts a new window for {@code model}, compared against its validation scores if it has them. */
    public void modelSwapped(ModelInfo model) {
        ReferenceDistribution reference = null;
        try {
            reference = ReferenceDistribution.fromMetadata(model.metadata()).orElse(null);
        } catch (IllegalArgumentException e) {
            LOG.warn("model {} version {}: no drift monitoring, its validation scores are unusable: {}",
                    model.name(), model.version(), e.getMessage());
        }
        window = new Window(model, reference, new ScoreWindow(capacity));
    }

    /** Adds a score produced by {@code model}; ignored when that model is no longer the current one. */
    public void record(ModelInfo model, float score) {
        Window w = window;
        if (w != null && (w.model == model || w.model.sha256().equals(model.sha256()))) {
            w.scores.add(score);
        }
    }

    /**
     * The drift figures of the current model now (recomputed at most once a second, like the
     * gauges), or empty before the first model is installed. PSI and KS are NaN under
     * {@link #MIN_SCORES} scores and without a reference.
     */
    public Optional<Snapshot> snapshot() {
        Figures f = figures();
        if (f.window == null) {
            return Optional.empty();
        }
        return Optional.of(new Snapshot(f.window.model, f.size, f.window.scores.written(), f.psi, f.ks));
    }

    /**
     * The drift of one model at one moment.
     *
     * @param model  the model the live scores came from
     * @param window live scores compared (up to the window's capacity)
     * @param scored scores of this model recorded since it was installed
     * @param psi    population stability index, NaN when not computed
     * @param ks     Kolmogorov-Smirnov statistic, NaN when not computed
     */
    public record Snapshot(ModelInfo model, int window, long scored, double psi, double ks) {
    }

    /** The reference of the current model, if it has one. */
    public Optional<ReferenceDistribution> reference() {
        Window w = window;
        return w == null ? Optional.empty() : Optional.ofNullable(w.reference);
    }

    private synchronized Figures figures() {
        Window w = window;
        long now = nanoTime.getAsLong();
        if (figures != null && figures.window == w && now - figures.computedAt < MIN_RECOMPUTE_NANOS) {
            return figures;
        }
        figures = compute(w, now);
        return figures;
    }

    private Figures compute(Window w, long now) {
        if (w == null) {
            return new Figures(null, 0, Double.NaN, Double.NaN, now);
        }
        if (scratch == null) {
            scratch = new float[capacity];
        }
        int n = w.scores.copyTo(scratch);
        if (w.reference == null || n < MIN_SCORES) {
            return new Figures(w, n, Double.NaN, Double.NaN, now);
        }
        Arrays.sort(scratch, 0, n);
        return new Figures(w, n, DriftStatistics.psi(scratch, n, w.reference),
                DriftStatistics.ks(scratch, n, w.reference), now);
    }

    /** Stops monitoring: no model is current (a withdrawn challenger); the gauges read NaN and 0. */
    public void modelRemoved() {
        window = null;
    }

    /** The PSI gauge's value: NaN without a reference or under {@link #MIN_SCORES} scores. */
    public double psi() {
        return figures().psi;
    }

    /** The KS gauge's value: NaN without a reference or under {@link #MIN_SCORES} scores. */
    public double ks() {
        return figures().ks;
    }

    /** Live scores in the window. */
    public int windowScores() {
        return figures().size;
    }

    private record Window(ModelInfo model, ReferenceDistribution reference, ScoreWindow scores) {
    }

    private record Figures(Window window, int size, double psi, double ks, long computedAt) {
    }
}
