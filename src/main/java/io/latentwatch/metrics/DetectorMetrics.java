package io.latentwatch.metrics;

import io.latentwatch.image.RejectReason;
import io.latentwatch.model.ModelInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The detector's own meters, all named {@code latentwatch_*} in Prometheus. Labels are bounded:
 * the dead-letter reason is a closed set, and the model info gauge carries only the current
 * model's name and version.
 */
public final class DetectorMetrics {
    private final MeterRegistry registry;
    private final Counter consumed;
    private final Counter scored;
    private final Counter anomalies;
    private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
    private final Timer inference;
    private final Timer endToEnd;
    private final DistributionSummary batchSize;
    private final DistributionSummary score;
    private final Counter swaps;
    private final Counter refusals;
    private final MultiGauge modelInfo;
    private final AtomicReference<ModelInfo> current = new AtomicReference<>();

    public DetectorMetrics(MeterRegistry registry) {
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
        score = DistributionSummary.builder("latentwatch.score").description("Anomaly scores of scored images")
                .register(registry);
        swaps = Counter.builder("latentwatch.model.swaps").description("Models installed, the first one included")
                .register(registry);
        refusals = Counter.builder("latentwatch.model.refusals")
                .description("Models refused (unloadable or failing their check); the current one kept serving")
                .register(registry);
        modelInfo = MultiGauge.builder("latentwatch.model.info")
                .description("1 for the model being served, labelled with its name and version").register(registry);
        Gauge.builder("latentwatch.model.threshold", current, c -> c.get() == null ? Double.NaN : c.get().threshold())
                .description("Anomaly threshold of the model being served").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void consumed() {
        consumed.increment();
    }

    public void scored(float value, boolean anomaly) {
        scored.increment();
        score.record(value);
        if (anomaly) {
            anomalies.increment();
        }
    }

    public void deadLetter(RejectReason reason) {
        deadLetters.get(reason).increment();
    }

    public void inference(long nanos, int images) {
        inference.record(Duration.ofNanos(nanos));
        batchSize.record(images);
    }

    public void endToEnd(Duration latency) {
        if (!latency.isNegative()) {
            endToEnd.record(latency);
        }
    }

    /** Records a model being installed. */
    public void modelSwapped(ModelInfo info) {
        current.set(info);
        swaps.increment();
        modelInfo.register(List.of(MultiGauge.Row.of(Tags.of("name", info.name(), "version", info.version()), 1)),
                true);
    }

    public void modelRefused() {
        refusals.increment();
    }
}
