package io.latentwatch.config;

import io.latentwatch.model.ModelOverrides;
import io.latentwatch.security.ModelVerifier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which model the detector serves and which it accepts.
 *
 * @param file             ONNX file to serve from the start ({@code --model}), or null to wait for
 *                         the models topic
 * @param followTopic      follow the models topic and swap models live ({@code --model-topic})
 * @param name             key on the models topic to follow ({@code --model-name}); null follows every key
 * @param overrides        threshold, normalisation and score function that win over model metadata
 * @param allowInputChange install a published model whose input shape differs from the serving
 *                         one's ({@code --allow-input-change})
 * @param verifier         which models may be served: signed by {@code --trusted-keys}, or
 *                         unverified (the default); see docs/security.md
 */
public record ModelSource(Path file, boolean followTopic, String name, ModelOverrides overrides,
                          boolean allowInputChange, ModelVerifier verifier) {
    public ModelSource {
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(verifier, "model verifier");
        if (file == null && !followTopic) {
            throw new IllegalArgumentException("no model to serve: pass --model FILE.onnx, or --model-topic to"
                    + " follow the models topic (or both)");
        }
    }

    /** Serves {@code file} as it is, unsigned models accepted, following no topic. */
    public static ModelSource file(Path file) {
        return new ModelSource(Objects.requireNonNull(file, "model file"), false, null, ModelOverrides.NONE, false,
                ModelVerifier.unverified(false));
    }

    /** Follows the models topic under {@code name} (null: every name), with no model until one arrives there. */
    public static ModelSource topic(String name) {
        return new ModelSource(null, true, name, ModelOverrides.NONE, false, ModelVerifier.unverified(false));
    }

    /** This source, also following the models topic under {@code modelName} (null: every name). */
    public ModelSource followingTopic(String modelName) {
        return new ModelSource(file, true, modelName, overrides, allowInputChange, verifier);
    }

    /** This source with settings that win over the model's metadata. */
    public ModelSource withOverrides(ModelOverrides other) {
        return new ModelSource(file, followTopic, name, other, allowInputChange, verifier);
    }

    /** This source, serving only what {@code other} accepts. */
    public ModelSource verifiedBy(ModelVerifier other) {
        return new ModelSource(file, followTopic, name, overrides, allowInputChange, other);
    }

    /** This source, installing models for another input shape when {@code allow}. */
    public ModelSource allowingInputChange(boolean allow) {
        return new ModelSource(file, followTopic, name, overrides, allow, verifier);
    }
}
