package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentwatch.model.MetadataKeys;
import io.latentwatch.util.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The training run's figures stored in a model, read from {@link MetadataKeys#VALIDATION} (a JSON
 * object). Only the numeric fields named in {@link #NAMES} (or one of their {@link #ALIASES})
 * become metrics, so the {@code figure} label stays a small closed set; anything else is ignored.
 */
public final class ValidationFigures {
    /** Figure names exported as the {@code figure} label of {@code latentwatch_model_validation}. */
    public static final Set<String> NAMES = Set.of(
            "train_loss", "validation_loss", "auroc", "auprc", "precision", "recall", "f1",
            "epochs", "best_epoch", "training_seconds", "train_images", "validation_images");
    /** Other spellings accepted for a figure. */
    public static final Map<String, String> ALIASES = Map.of(
            "val_loss", "validation_loss",
            "duration_seconds", "training_seconds",
            "images", "validation_images");
    private static final ObjectMapper JSON = Json.MAPPER;

    private ValidationFigures() {
    }

    /**
     * The known figures present in the model's metadata, by exported name; empty when the key is
     * absent or not a JSON object.
     */
    public static Map<String, Double> fromMetadata(Map<String, String> metadata) {
        Map<String, Double> figures = new LinkedHashMap<>();
        String json = metadata.get(MetadataKeys.VALIDATION);
        if (json == null || json.isBlank()) {
            return figures;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            return figures;
        }
        if (root == null || !root.isObject()) {
            return figures;
        }
        root.properties().forEach(field -> {
            String name = ALIASES.getOrDefault(field.getKey(), field.getKey());
            if (NAMES.contains(name) && field.getValue().isNumber()) {
                // an exact name wins over an alias of it
                if (name.equals(field.getKey()) || !figures.containsKey(name)) {
                    figures.put(name, field.getValue().asDouble());
                }
            }
        });
        return figures;
    }
}
