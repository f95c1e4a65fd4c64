package io.latentwatch.metrics;

import io.latentwatch.image.RejectReason;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.ModelRefusedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The detector's own meters, all named {@code latentwatch_*} in Prometheus. Labels are bounded:
 * the dead-letter reason is a closed set, the model info gauge carries only the current model's
 * name and version, and the validation figures a closed set of figure names.
 *
 * <p>The per-record methods take no lock: counters and histograms are striped adders, and the drift
 * window is written with one atomic increment and one store (see {@link ScoreDrift}).
 *
 * <p>One instance per registry: the score histogram is registered with the Prometheus registry
 * underneath, which refuses a second metric of the same name.
 */
public final class DetectorMetrics {
    /** Longest end-to-end latency recorded: 100 years. */
    static final Duration MAX_END_TO_END = Duration.ofDays(36_525);

    /**
     * Refusal reasons whose counters exist from the start (at 0): those of
     * {@link ModelRefusedException.Reason} and the signature reasons of
     * {@code io.latentwatch.security.ModelVerifier}. {@link #modelRefused(String)} takes others too.
     */
    public static final List<String> MODEL_REFUSAL_REASONS = java.util.stream.Stream.concat(
            java.util.Arrays.stream(ModelRefusedException.Reason.values()).map(ModelRefusedException.Reason::id),
            java.util.stream.Stream.of("unsigned", "bad-signature", "unknown-key")).toList();

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Counter scored;
    private final Counter anomalies;
    private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
    private final Timer inference;
    private final Timer endToEnd;
    private final DistributionSummary batchSize;
    private final ScoreHistogram score;
    private final Counter swaps;
    private volatile boolean serving;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter fallbacks;
    private final Counter anomalyMapFailures;
    private final ModelGauges model;
    private final ScoreDrift drift;
    private final ChallengerMetrics challenger;

    /** Meters with the default drift window ({@value ScoreDrift#DEFAULT_CAPACITY} scores) and no extra labels. */
    public DetectorMetrics(MeterRegistry registry) {
        this(registry, ScoreDrift.DEFAULT_CAPACITY, Map.of());
    }

    /**
     * Meters of one detector application: every meter registered on {@code registry} from now on,
     * the detector's and any bound later (JVM, Kafka), is labelled {@code application_id}.
     */
    public static DetectorMetrics forApplication(MeterRegistry registry, String applicationId) {
        registry.config().meterFilter(new ApplicationIdTag(applicationId));
        return new DetectorMetrics(registry, ScoreDrift.DEFAULT_CAPACITY,
                Map.of(ApplicationIdTag.LABEL, applicationId));
    }

    /**
     * Meters with a drift window of the last {@code driftWindow} scores.
     *
     * @param scoreLabels constant labels of the score histogram, which Micrometer's meter filters
     *                    do not reach (see {@link ScoreHistogram})
     */
    public DetectorMetrics(MeterRegistry registry, int driftWindow, Map<String, String> scoreLabels) {
        this.registry = registry;
        consumed = Counter.builder("latentwatch.images.consumed").description("Input records read").register(registry);
        scored = Counter.builder("latentwatch.images.scored").description("Images scored by the model").register(registry);
        anomalies = Counter.builder("latentwatch.anomalies").description("Images at or above the threshold")
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            deadLetters.put(reason, Counter.builder("latentwatch.dead.letters")
                    .description("Inputs sent to the dead-letter topic, by reason")
                    .tag("reason", reason.id()).register(registry));
        }
        inference = Timer.builder("latentwatch.inference.latency").description("ONNX Runtime time per inference call")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        endToEnd = Timer.builder("latentwatch.end.to.end.latency")
                .description("From the input's event time to its outputs being forwarded")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        batchSize = DistributionSummary.builder("latentwatch.inference.batch.size")
                .description("Images per inference call").register(registry);
        score = new ScoreHistogram(scoreLabels);
        score.bindTo(registry);
        swaps = Counter.builder("latentwatch.model.swaps")
                .description("Models installed in place of a serving one (the first model loaded is no swap)")
                .register(registry);
        // registered at 0, so that the first refusal is an increase Prometheus' increase() and the alert see
        MODEL_REFUSAL_REASONS.forEach(this::refusalCounter);
        fallbacks = Counter.builder("latentwatch.model.fallbacks")
                .description("Starts that serve an older model from the models topic because newer ones were refused")
                .register(registry);
        anomalyMapFailures = Counter.builder("latentwatch.anomaly.map.failures")
                .description("Batches whose anomaly records went out without anomaly maps (--anomaly-maps)")
                .register(registry);
        model = new ModelGauges(registry);
        drift = new ScoreDrift(driftWindow);
        drift.bindTo(registry);
        challenger = new ChallengerMetrics(registry, driftWindow);
    }

    /** The meters of shadow scoring: a challenger against the serving model. */
    public ChallengerMetrics challenger() {
        return challenger;
    }

    /** A batch's anomaly maps could not be made; its anomaly records went out without them. */
    public void anomalyMapFailed() {
        anomalyMapFailures.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Score drift of the serving model, as the drift gauges show it. */
    public ScoreDrift drift() {
        return drift;
    }

    public void consumed() {
        consumed.increment();
    }

    /** Records a scored image; its score also enters the drift window when {@code by} is still current. */
    public void scored(ModelInfo by, float value, boolean anomaly) {
        scored.increment();
        if (anomaly) {
            anomalies.increment();
        }
        score.record(value);
        drift.record(by, value);
    }

    public void deadLetter(RejectReason reason) {
        deadLetters.get(reason).increment();
    }

    public void inference(long nanos, int images) {
        inference.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(images);
    }

    /**
     * Records the time from an event's time to its output. An event time in the future (a producer's
     * clock ahead) or over {@link #MAX_END_TO_END} in the past (a wrong year: the timer's nanoseconds
     * would overflow at 292 years) says nothing about latency and is left out: a metric must never
     * fail a record that was scored.
     */
    public void endToEnd(Duration latency) {
        if (!latency.isNegative() && latency.compareTo(MAX_END_TO_END) <= 0) {
            endToEnd.record(latency);
        }
    }

    /** Records a model being installed: model gauges follow it and the drift window starts afresh. */
    public void modelSwapped(ModelInfo info) {
        if (serving) {
            swaps.increment();
        }
        serving = true;
        model.modelSwapped(info);
        drift.modelSwapped(info);
    }

    /** Records a model refused because it does not load, breaks the contract or fails its check. */
    public void modelRefused(ModelRefusedException.Reason reason) {
        modelRefused(reason.id());
    }

    /** Records a start that serves an older model because the newer ones on the topic were refused. */
    public void modelFallback() {
        fallbacks.increment();
    }

    /**
     * Records a refused model: {@code latentwatch_model_refusals_total{reason}}. Keep reasons a
     * small closed set of ids, like {@link #MODEL_REFUSAL_REASONS}: each is a series.
     */
    public void modelRefused(String reason) {
        refusalCounter(reason).increment();
    }

    private Counter refusalCounter(String reason) {
        return refusals.computeIfAbsent(reason, r -> Counter.builder("latentwatch.model.refusals")
                .description("Models refused, by reason; the current one kept serving")
                .tag("reason", r).register(registry));
    }
}
