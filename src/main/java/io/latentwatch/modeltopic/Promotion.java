package io.latentwatch.modeltopic;

import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.security.ModelSignature;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Makes a challenger the serving model through the models topic: its exact bytes and headers
 * (the signature included, which covers the bytes only) are republished under the model name,
 * so every detector swaps to it the way it swaps to any publication, with no record lost; then a
 * tombstone under the challenger key withdraws it from the shadow.
 *
 * <p>The order makes a promotion safe to repeat: should the tombstone fail, the challenger is
 * already serving, and promoting again republishes the same bytes (detectors skip a model they
 * already serve) and writes the tombstone.
 */
public final class Promotion {
    private Promotion() {
    }

    /**
     * What a promotion did.
     *
     * @param name      the model name now serving the former challenger
     * @param version   the promoted model's version (its metadata; {@code sha256:<12 hex>} without one)
     * @param sha256    SHA-256 of its ONNX bytes
     * @param signed    whether it carried a signature
     * @param from      the challenger publication that was promoted
     * @param published where it was republished under {@code name}
     * @param tombstone where the challenger key's tombstone landed
     */
    public record Result(String name, String version, String sha256, boolean signed, ModelTopic.Publication from,
                         RecordMetadata published, RecordMetadata tombstone) {
        /** One line for the operator. */
        public String describe() {
            return "promoted challenger " + version + " (sha256 " + sha256.substring(0, 12) + ", "
                    + (signed ? "signed" : "unsigned") + ") from " + from.where() + " to serving model '" + name
                    + "' at " + published.topic() + "-" + published.partition() + "@" + published.offset()
                    + "; challenger key '" + ModelTopic.challengerKey(name) + "' withdrawn at " + tombstone.topic()
                    + "-" + tombstone.partition() + "@" + tombstone.offset();
        }
    }

    /**
     * The current challenger of {@code name}.
     *
     * @throws IllegalArgumentException when {@code name} has no challenger on the topic
     */
    public static ModelTopic.Publication challenger(ModelTopic topic, String name) {
        String key = ModelTopic.challengerKey(name);
        return topic.latestPublication(key).orElseThrow(() ->
                new IllegalArgumentException("model '" + name + "' has no challenger on the models topic (no"
                        + " publication under key '" + key + "', or it was withdrawn); publish one with 'latentwatch"
                        + " train --publish --challenger --model-name " + name + "'"));
    }

    /**
     * Promotes the current challenger of {@code name}.
     *
     * @throws IllegalArgumentException when {@code name} has no challenger on the topic
     */
    public static Result promote(ModelTopic topic, String name) {
        return promote(topic, name, null);
    }

    /**
     * Promotes the current challenger of {@code name}, provided it is still the one judged: a
     * challenger published meanwhile has not earned its figures.
     *
     * @param judgedSha256 SHA-256 of the challenger the decision was made on; null takes the current one
     * @throws IllegalArgumentException when {@code name} has no challenger on the topic
     * @throws IllegalStateException    when the challenger is no longer the one judged
     */
    public static Result promote(ModelTopic topic, String name, String judgedSha256) {
        ModelTopic.Publication challenger = challenger(topic, name);
        String sha256 = OnnxAutoencoder.sha256(challenger.onnx());
        if (judgedSha256 != null && !judgedSha256.equals(sha256)) {
            throw new IllegalStateException("the challenger of '" + name + "' changed while its figures were read"
                    + " (now " + challenger.where() + "); nothing was promoted, run again to judge the new one");
        }
        RecordMetadata published = topic.publish(name, challenger.onnx(), challenger.headers());
        RecordMetadata tombstone = topic.delete(challenger.key());
        return new Result(name, versionOf(challenger.onnx()), sha256,
                challenger.headers().containsKey(ModelSignature.SIGNATURE_HEADER), challenger,
                published, tombstone);
    }

    /** A model's version from its metadata, as a detector reads it and stamps it on outputs. */
    public static String versionOf(byte[] onnx) {
        try (OnnxAutoencoder model = OnnxAutoencoder.load(onnx, "challenger", ModelOverrides.NONE, 1)) {
            return model.info().version();
        } catch (ModelRefusedException | RuntimeException e) {
            // a model that needs detector flags (no threshold in its metadata) still has its bytes' name
            return "sha256:" + OnnxAutoencoder.sha256(onnx).substring(0, 12);
        }
    }
}
