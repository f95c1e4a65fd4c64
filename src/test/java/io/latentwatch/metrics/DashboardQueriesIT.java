package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.Connection;
import io.latentwatch.config.DetectorConfig;
import io.latentwatch.config.DriftPublishing;
import io.latentwatch.config.ModelSource;
import io.latentwatch.config.StreamsSettings;
import io.latentwatch.config.TopicSetup;
import io.latentwatch.config.Topics;
import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.stream.Detector;
import io.latentwatch.testing.Records;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.latentwatch.testing.Records.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query of every Grafana dashboard and every alert rule, evaluated by a real Prometheus
 * scraping a real detector with traffic on the embedded broker: none may fail, every dashboard
 * query must return series with data (not only NaN), and every metric an alert reads must have
 * series.
 */
class DashboardQueriesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path ALERTS = Path.of("deploy", "prometheus", "alerts.yml");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*(\\w+)\\)$", Pattern.DOTALL);
    private static final int NORMAL_IMAGES = 270;
    private static final int ANOMALOUS_IMAGES = 30;
    private Path prometheus;
    private EmbeddedKafka kafka;
    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() {
        // before the broker: without prometheus the test skips (or fails in CI) at once
        prometheus = PrometheusBinaries.require("prometheus");
        kafka = EmbeddedKafka.start();
    }

    @AfterEach
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldAnswerEveryDashboardAndAlertQueryFromARealPrometheus() throws Exception {
        // Given a detector that swapped to a second model, refused a broken one, scored images in the shadow of a
        // challenger and dead-lettered some
        Topics topics = TestTopics.unique();
        String appId = "obs-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path v1 = dir.resolve("v1.onnx");
        Files.write(v1, MonitoredModels.withMetadata("v1", 0.02, 0.01, "2026-11-01T00:00:00Z"));
        // publishing drift summaries, as for 'train --retrain-on-drift'
        DriftPublishing drift = new DriftPublishing("drift-" + appId, Duration.ofMillis(200), "obs-it");
        try (Detector detector = Detector.start(config(topics, appId, v1).withDrift(drift));
             KafkaProducer<byte[], byte[]> producer = Records.producer(kafka.bootstrapServers());
             PrometheusServer server = PrometheusServer.start(prometheus, dir, "127.0.0.1:" + detector.httpPort(),
                     List.of(ALERTS))) {
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"), bytes("not an onnx model"))).get();
            await().atMost(TIMEOUT).until(() -> detector.meterRegistry().get("latentwatch.model.refusals")
                    .tag("reason", "invalid").counter().count() == 1);
            producer.send(new ProducerRecord<>(topics.models(), bytes("test"),
                    MonitoredModels.withMetadata("v2", 0.02, 0.01, Instant.now().toString()))).get();
            await().atMost(TIMEOUT).until(() -> detector.models().current().orElseThrow().version().equals("v2"));
            // and scores a challenger in the shadow, with a lower threshold: the two disagree on some images
            producer.send(new ProducerRecord<>(topics.models(), bytes("test#challenger"),
                    MonitoredModels.withMetadata("c1", 0.0005, 0.01, Instant.now().toString()))).get();
            await().atMost(TIMEOUT).until(() -> detector.models().challenger().current().isPresent());
            // traffic only once Prometheus scrapes, so that it sees the counters move and rates are not zero
            await().atMost(TIMEOUT).until(server::isReady);
            awaitSeries(server, "up{job=\"" + PrometheusServer.JOB + "\"} == 1");
            sendTraffic(producer, topics);

            // When Prometheus has scraped all of it
            int scored = NORMAL_IMAGES + ANOMALOUS_IMAGES;
            // (the histogram is recorded after the counters, so a scrape that holds every score holds every count)
            for (String expr : List.of("latentwatch_score_count{job=\"latentwatch\"} >= " + scored,
                    "latentwatch_dead_letters_total{reason=\"unrecognised-format\"} >= 1",
                    "latentwatch_score_drift_ks >= 0", "latentwatch_challenger_score_drift_ks >= 0")) {
                awaitSeries(server, expr);
            }
            saveScrape(detector);

            // Then Prometheus holds the true figures: two swaps, one refusal, the scores in the right buckets
            assertThat(value(server, "latentwatch_model_swaps_total")).isEqualTo(1);
            assertThat(value(server, "sum(latentwatch_model_refusals_total)")).isEqualTo(1);
            assertThat(value(server, "latentwatch_model_info{version=\"v2\"}")).isEqualTo(1);
            assertThat(value(server, "latentwatch_model_validation{figure=\"auroc\"}")).isEqualTo(0.93);
            assertThat(value(server, "latentwatch_score_bucket{le=\"0.01\"}")).isEqualTo(NORMAL_IMAGES);
            assertThat(value(server, "latentwatch_score_bucket{le=\"+Inf\"}")).isEqualTo(scored);
            assertThat(value(server, "latentwatch_score_drift_psi")).isPositive();
            assertThat(value(server, "latentwatch_challenger_info{version=\"c1\"}")).isEqualTo(1);
            assertThat(value(server, "sum(latentwatch_challenger_comparisons_total{outcome!=\"failed\"})"))
                    .isEqualTo(scored);
            Map<String, String> variables = variables(server, appId);

            // Then every dashboard query answers with series, not all of them NaN
            List<String> failures = new ArrayList<>();
            List<GrafanaDashboards.Query> panels = new ArrayList<>(GrafanaDashboards.panelQueries());
            assertThat(panels).as("dashboard panel queries").hasSizeGreaterThan(20);
            panels.addAll(GrafanaDashboards.annotationQueries());
            for (GrafanaDashboards.Query query : panels) {
                check(server, query.resolve(variables), query.toString(), true, failures);
            }
            for (GrafanaDashboards.Query query : GrafanaDashboards.variableQueries()) {
                Matcher labelValues = LABEL_VALUES.matcher(query.expr().trim());
                String expr = labelValues.matches() ? labelValues.group(1) : query.expr();
                check(server, new GrafanaDashboards.Query(query.dashboard(), query.where(), expr).resolve(variables),
                        query.toString(), true, failures);
            }

            // And every alert rule loaded, evaluates, and reads only metrics that have series
            List<JsonNode> alerts = new ArrayList<>();
            server.rules().path("data").path("groups")
                    .forEach(g -> g.path("rules").forEach(alerts::add));
            assertThat(alerts).as("alert rules loaded by Prometheus from " + ALERTS).hasSizeGreaterThanOrEqualTo(6);
            for (JsonNode rule : alerts) {
                String expr = rule.path("query").asText();
                String where = "rule " + rule.path("name").asText() + ": " + expr;
                JsonNode answer = server.query(expr);
                if (!answer.path("status").asText().equals("success")) {
                    failures.add(where + " -> " + answer.path("error").asText());
                }
                assertThat(rule.path("health").asText()).as(where + " health").isNotEqualTo("err");
                for (String metric : PromQl.metricNames(expr)) {
                    check(server, metric, where + " reads " + metric, false, failures);
                }
            }
            assertThat(failures).as("queries that failed or returned no series").isEmpty();
        }
    }

    private void sendTraffic(KafkaProducer<byte[], byte[]> producer, Topics topics) {
        List<byte[]> greys = new ArrayList<>();
        for (int p = 0; p <= 25; p++) {
            greys.add(TestImages.greyPng(28, 28, p));
        }
        byte[] white = TestImages.greyPng(28, 28, 255);
        for (int i = 0; i < NORMAL_IMAGES; i++) {
            producer.send(Records.cloudEvent(topics.input(), "n-" + i, greys.get(i % greys.size())));
        }
        for (int i = 0; i < ANOMALOUS_IMAGES; i++) {
            producer.send(Records.cloudEvent(topics.input(), "a-" + i, white));
        }
        producer.send(new ProducerRecord<>(topics.input(), bytes("pill-1"), new byte[] {0, 1, 2, 3, 4}));
        RecordHeaders text = new RecordHeaders();
        text.add("content-type", bytes("text/plain"));
        producer.send(new ProducerRecord<>(topics.input(), null, bytes("text-1"), bytes("hello"), text));
        producer.flush();
    }

    /** Real values for the dashboards' variables: this detector's instance and application id. */
    private static Map<String, String> variables(PrometheusServer server, String appId) {
        JsonNode up = server.query("up{job=\"" + PrometheusServer.JOB + "\"}").path("data").path("result");
        assertThat(up).as("the detector target").hasSize(1);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("instance", up.get(0).path("metric").path("instance").asText());
        values.put("application_id", appId);
        values.put("__rate_interval", "30s");
        values.put("__interval", "15s");
        values.put("__range", "1m");
        return values;
    }

    /**
     * Evaluates {@code expr}; a failure when it errors or has no series, or, with {@code showsData},
     * when every series is NaN (a panel that would stay empty).
     */
    private static void check(PrometheusServer server, String expr, String where, boolean showsData,
                              List<String> failures) {
        JsonNode answer = server.query(expr);
        JsonNode result = answer.path("data").path("result");
        if (!answer.path("status").asText().equals("success")) {
            failures.add(where + " -> error: " + answer.path("error").asText());
            return;
        }
        if (result.isEmpty()) {
            failures.add(where + " -> no series for " + expr);
            return;
        }
        long nan = 0;
        for (JsonNode series : result) {
            nan += series.path("value").get(1).asText().equals("NaN") ? 1 : 0;
        }
        System.out.printf("%d series (%d NaN): %s%n", result.size(), nan, where);
        if (showsData && nan == result.size()) {
            failures.add(where + " -> only NaN for " + expr);
        }
    }

    private static void awaitSeries(PrometheusServer server, String expr) {
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> hasValue(server, expr));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Prometheus never answered " + expr + "; targets: "
                    + server.targets().path("data").path("activeTargets") + "; last value: "
                    + server.query(expr.replaceAll("\\s*>=.*$", "")).path("data") + "; log:\n" + server.logTail(), e);
        }
    }

    /** The value of the one series {@code expr} selects. */
    private static double value(PrometheusServer server, String expr) {
        JsonNode result = server.query(expr).path("data").path("result");
        assertThat(result).as(expr).hasSize(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static boolean hasValue(PrometheusServer server, String expr) {
        return !server.query(expr).path("data").path("result").isEmpty();
    }

    private static double count(Detector detector, String counter) {
        return detector.meterRegistry().get(counter).counter().count();
    }

    /** Keeps one scrape of the detector in target/ for whoever documents metric names. */
    private static void saveScrape(Detector detector) throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + detector.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "detector-scrape.txt"), scrape.body());
    }

    private DetectorConfig config(Topics topics, String appId, Path model) {
        return DetectorConfig.of(Connection.to(kafka.bootstrapServers()), topics,
                ModelSource.file(model).followingTopic("test"), StreamsSettings.of(appId))
                .withTopicSetup(TopicSetup.create(1)).withHttpPort(0);
    }


}
