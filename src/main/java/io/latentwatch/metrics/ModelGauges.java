package io.latentwatch.metrics;

import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Gauges describing the model being served, so that dashboards show when and how it changed:
 * which one it is ({@code latentwatch_model_info{name,version}}), whether one is loaded, its
 * threshold and calibration, when it was made and loaded, and the figures of the training run that
 * made it ({@code latentwatch_model_validation{figure}}). Values the model's metadata lacks are NaN
 * (or, for the validation figures, absent).
 */
public final class ModelGauges {
    private final AtomicReference<Current> current = new AtomicReference<>();
    private final MultiGauge info;
    private final MultiGauge validation;

    public ModelGauges(MeterRegistry registry) {
        info = MultiGauge.builder("latentwatch.model.info")
                .description("1 for the model being served, labelled with its name and version").register(registry);
        validation = MultiGauge.builder("latentwatch.model.validation")
                .description("Figures of the training run that made the model being served, by figure name "
                        + "(from its latentwatch.validation metadata)").register(registry);
        Gauge.builder("latentwatch.model.loaded", current, c -> c.get() == null ? 0 : 1)
                .description("1 when a model is loaded and serving, 0 while the detector waits for one")
                .register(registry);
        gauge(registry, "latentwatch.model.threshold", "Anomaly threshold of the model being served",
                c -> c.info.threshold());
        gauge(registry, "latentwatch.model.calibration.quantile",
                "Quantile of validation scores the threshold was calibrated to (1 minus the expected anomaly ratio"
                        + " on normal images); NaN when the model does not say", Current::calibrationQuantile);
        gauge(registry, "latentwatch.model.created.timestamp.seconds",
                "When the model being served was made (Unix seconds); NaN when its metadata does not say",
                Current::createdAt);
        gauge(registry, "latentwatch.model.loaded.timestamp.seconds",
                "When this process loaded the model being served (Unix seconds)",
                c -> c.info.loadedAt().toEpochMilli() / 1000.0);
        gauge(registry, "latentwatch.model.validation.scores.count",
                "Validation scores behind the model's drift reference; NaN when it has no reference",
                Current::referenceCount);
    }

    /** Points every gauge at a newly installed model. */
    public void modelSwapped(ModelInfo model) {
        Map<String, String> metadata = model.metadata();
        double referenceCount;
        try {
            referenceCount = ReferenceDistribution.fromMetadata(metadata).map(r -> (double) r.count())
                    .orElse(Double.NaN);
        } catch (IllegalArgumentException e) {
            referenceCount = Double.NaN;
        }
        current.set(new Current(model, number(metadata.get(MetadataKeys.CALIBRATION_QUANTILE)),
                epochSeconds(metadata.get(MetadataKeys.CREATED_AT)), referenceCount));
        info.register(List.of(MultiGauge.Row.of(Tags.of("name", model.name(), "version", model.version()), 1)),
                true);
        validation.register(ValidationFigures.fromMetadata(metadata).entrySet().stream()
                .map(f -> MultiGauge.Row.of(Tags.of("figure", f.getKey()), f.getValue())).toList(), true);
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<Current> value) {
        Gauge.builder(name, current, c -> c.get() == null ? Double.NaN : value.applyAsDouble(c.get()))
                .description(description).register(registry);
    }

    private static double number(String text) {
        if (text == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double epochSeconds(String iso) {
        if (iso == null) {
            return Double.NaN;
        }
        try {
            return Instant.parse(iso.trim()).toEpochMilli() / 1000.0;
        } catch (DateTimeParseException e) {
            return Double.NaN;
        }
    }

    private record Current(ModelInfo info, double calibrationQuantile, double createdAt, double referenceCount) {
    }
}
