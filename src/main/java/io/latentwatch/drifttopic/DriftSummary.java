package io.latentwatch.drifttopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One detector instance's drift figures for the model it serves, as published on the drift topic:
 * the value is this record as JSON (field names in snake case, see docs/drift.md).
 *
 * @param model        model name ({@code latentwatch.name})
 * @param modelVersion version of the model the scores came from
 * @param instance     the publishing detector instance
 * @param psi          population stability index of the live score window against the model's
 *                     validation scores; NaN (JSON null) under 100 scores or without a reference
 * @param ks           Kolmogorov-Smirnov statistic, NaN (JSON null) likewise
 * @param windowScores live scores the figures were computed from
 * @param scored       scores by this model on this instance since it was installed
 * @param interval     how often the instance publishes; a summary older than
 *                     {@link #STALE_INTERVALS} intervals is stale
 * @param time         when the figures were computed (the detector's clock)
 */
public record DriftSummary(String model, String modelVersion, String instance, double psi, double ks,
                           int windowScores, long scored, Duration interval, Instant time) {
    /** A summary older than this many publishing intervals is taken as stale (its detector stopped). */
    public static final int STALE_INTERVALS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    public DriftSummary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "model version");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(time, "time");
    }

    /** Whether PSI was computed (enough live scores and a reference). */
    public boolean hasPsi() {
        return Double.isFinite(psi);
    }

    /** Whether the summary is newer than {@link #STALE_INTERVALS} publishing intervals at {@code now}. */
    public boolean freshAt(Instant now) {
        return !time.plus(interval.multipliedBy(STALE_INTERVALS)).isBefore(now);
    }

    /** The record value: UTF-8 JSON. */
    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", model);
        node.put("model_version", modelVersion);
        node.put("instance", instance);
        putFigure(node, "psi", psi);
        putFigure(node, "ks", ks);
        node.put("window_scores", windowScores);
        node.put("scored", scored);
        node.put("interval_ms", interval.toMillis());
        node.put("time", time.toString());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a drift summary", e);
        }
    }

    /**
     * Reads a record value.
     *
     * @throws IllegalArgumentException when it is not a drift summary, with what is wrong
     */
    public static DriftSummary fromJson(byte[] value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        try {
            return new DriftSummary(text(node, "model"), text(node, "model_version"), text(node, "instance"),
                    figure(node, "psi"), figure(node, "ks"), node.path("window_scores").asInt(0),
                    node.path("scored").asLong(0), Duration.ofMillis(positive(node, "interval_ms")),
                    Instant.parse(text(node, "time")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void putFigure(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return v.asText();
    }

    private static double figure(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static long positive(JsonNode node, String field) {
        long v = node.path(field).asLong(0);
        if (v <= 0) {
            throw new IllegalArgumentException("field '" + field + "' missing or not positive");
        }
        return v;
    }
}
