package io.latentwatch.metrics;

import io.latentwatch.image.RejectReason;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.model.ModelInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DetectorMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DetectorMetrics metrics = DetectorMetrics.forApplication(registry, "app-1");

    @Test
    void shouldLeaveOutEndToEndLatenciesFromEventTimesThatAreNoLatency() {
        // Given latencies of 20 ms, from an event time in the future, and from event times 100
        // years and 1,000 years ago (a wrong year: 1,000 years overflow a timer's nanoseconds)
        metrics.endToEnd(java.time.Duration.ofMillis(20));
        metrics.endToEnd(java.time.Duration.ofSeconds(-5));
        metrics.endToEnd(DetectorMetrics.MAX_END_TO_END);
        metrics.endToEnd(java.time.Duration.ofDays(365_250));

        // Then the first and the 100 years are recorded, and nothing threw
        assertThat(registry.get("latentwatch.end.to.end.latency").timer().count()).isEqualTo(2);
    }

    @Test
    void shouldBucketFractionalScoresInAPrometheusHistogram() {
        // Given a served model
        ModelInfo model = TestModelInfos.info("v1", Map.of());
        metrics.modelSwapped(model);

        // When it scores images with errors of 0.003, 0.03 and 0.3
        metrics.scored(model, 0.003f, false);
        metrics.scored(model, 0.03f, true);
        metrics.scored(model, 0.3f, true);

        // Then each lands in its own bucket (not all in le=1, as a Micrometer summary would put them)
        String scrape = registry.scrape();
        assertThat(scrape).contains("# TYPE latentwatch_score histogram")
                .contains("latentwatch_score_bucket{application_id=\"app-1\",le=\"0.002\"} 0")
                .contains("latentwatch_score_bucket{application_id=\"app-1\",le=\"0.005\"} 1")
                .contains("latentwatch_score_bucket{application_id=\"app-1\",le=\"0.05\"} 2")
                .contains("latentwatch_score_bucket{application_id=\"app-1\",le=\"0.5\"} 3")
                .contains("latentwatch_score_count{application_id=\"app-1\"} 3")
                .contains("latentwatch_anomalies_total{application_id=\"app-1\"} 2.0");
    }

    @Test
    void shouldCountModelRefusalsByReasonWithEveryKnownReasonPresentFromTheStart() {
        // When a detector refuses an unsigned model and a model that does not load, and a reason the list lacks
        metrics.modelRefused("unsigned");
        metrics.modelRefused(io.latentwatch.model.ModelRefusedException.Reason.INVALID);
        metrics.modelRefused("shape-mismatch");

        // Then each reason is its own series, and the other known reasons are there at 0 (so increase() sees a first one)
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("latentwatch_model_refusals_total{application_id=\"app-1\",reason=\"unsigned\"} 1.0")
                .contains("latentwatch_model_refusals_total{application_id=\"app-1\",reason=\"invalid\"} 1.0")
                .contains("latentwatch_model_refusals_total{application_id=\"app-1\",reason=\"shape-mismatch\"} 1.0")
                .contains("latentwatch_model_refusals_total{application_id=\"app-1\",reason=\"bad-signature\"} 0.0")
                .contains("latentwatch_model_refusals_total{application_id=\"app-1\",reason=\"unknown-key\"} 0.0");
    }

    @Test
    void shouldDescribeTheServedModelFromItsMetadata() {
        // Given a model made by the trainer, with its figures, creation time and calibration
        ModelInfo model = TestModelInfos.info("v7", Map.of(
                MetadataKeys.CREATED_AT, "2026-11-27T10:00:00Z",
                MetadataKeys.CALIBRATION_QUANTILE, "0.99",
                MetadataKeys.VALIDATION, "{\"val_loss\": 0.014, \"auroc\": 0.93, \"notes\": \"x\"}",
                MetadataKeys.VALIDATION_SCORES, MonitoredModels.uniformScores(0.01)));

        // When it is installed
        metrics.modelSwapped(model);

        // Then the gauges say which model it is, when it was made, and how it validated
        String scrape = registry.scrape();
        assertThat(scrape).contains("latentwatch_model_info{application_id=\"app-1\",name=\"test\",version=\"v7\"} 1")
                .contains("latentwatch_model_loaded{application_id=\"app-1\"} 1.0")
                .contains("latentwatch_model_threshold{application_id=\"app-1\"} 0.02")
                .contains("latentwatch_model_calibration_quantile{application_id=\"app-1\"} 0.99")
                .contains("latentwatch_model_created_timestamp_seconds{application_id=\"app-1\"} 1.7957736E9")
                .contains("latentwatch_model_validation{application_id=\"app-1\",figure=\"auroc\"} 0.93")
                .contains("latentwatch_model_validation{application_id=\"app-1\",figure=\"validation_loss\"} 0.014")
                .contains("latentwatch_model_validation_scores_count{application_id=\"app-1\"} 1000.0")
                .contains("latentwatch_model_swaps_total{application_id=\"app-1\"} 0.0")
                .doesNotContain("figure=\"notes\"");
    }

    @Test
    void shouldForgetThePreviousModelsFiguresOnASwapToAModelWithoutMetadata() {
        // Given a model with validation figures, then a user-exported model without any metadata
        metrics.modelSwapped(TestModelInfos.info("v1", Map.of(MetadataKeys.VALIDATION, "{\"auroc\": 0.9}",
                MetadataKeys.CREATED_AT, "2026-11-27T10:00:00Z")));

        // When the second one is installed
        metrics.modelSwapped(TestModelInfos.info("user", Map.of()));

        // Then only the current model is described, and what it lacks is NaN or absent
        String scrape = registry.scrape();
        assertThat(scrape).contains("version=\"user\"").doesNotContain("version=\"v1\"")
                .doesNotContain("latentwatch_model_validation{")
                .contains("latentwatch_model_created_timestamp_seconds{application_id=\"app-1\"} NaN")
                .contains("latentwatch_score_drift_psi{application_id=\"app-1\"} NaN")
                .contains("latentwatch_model_swaps_total{application_id=\"app-1\"} 1.0");
    }

    @Test
    void shouldSayNoModelIsLoadedBeforeTheFirstOne() {
        // Given a detector waiting for its first model  When scraped  Then it says so
        assertThat(registry.scrape()).contains("latentwatch_model_loaded{application_id=\"app-1\"} 0.0")
                .contains("latentwatch_model_threshold{application_id=\"app-1\"} NaN")
                .doesNotContain("latentwatch_model_info{");
    }

    @Test
    void shouldKeepLabelsBoundedAndLabelEveryMeterWithTheApplicationId() {
        // Given a busy detector: many images, every dead-letter reason, model swaps
        ModelInfo model = TestModelInfos.info("v1", Map.of());
        metrics.modelSwapped(model);
        for (int i = 0; i < 1000; i++) {
            metrics.consumed();
            metrics.scored(model, i / 1000f, i % 10 == 0);
        }
        Arrays.stream(RejectReason.values()).forEach(metrics::deadLetter);
        Counter.builder("bound.later").register(registry).increment();

        // When scraped
        List<String> series = registry.scrape().lines().filter(l -> !l.startsWith("#")).toList();

        // Then the series count does not grow with traffic, and every one carries the application id
        assertThat(series).allSatisfy(s -> assertThat(s).contains("application_id=\"app-1\""));
        assertThat(series.stream().filter(s -> s.startsWith("latentwatch_dead_letters_total")))
                .hasSize(RejectReason.values().length);
        assertThat(series.stream().filter(s -> s.startsWith("latentwatch_score_bucket")))
                .hasSize(ScoreHistogram.BUCKETS.length + 1);
    }

    @Test
    void shouldLeaveKafkasOwnApplicationIdLabelAlone() {
        // Given a Kafka Streams metric that carries the application id itself (as Kafka names it)
        Counter.builder("kafka.stream.example").tag("application-id", "app-1").register(registry).increment();

        // When scraped  Then the series has the label once, so the scrape does not fail on a duplicate label
        assertThat(registry.scrape()).contains("kafka_stream_example_total{application_id=\"app-1\"} 1.0");
    }
}
