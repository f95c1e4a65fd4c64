package io.latentwatch.security;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;
import java.util.Optional;

/**
 * The detector's check of a model's signature, made before the model's bytes reach ONNX Runtime.
 * Immutable and thread-safe.
 *
 * <table>
 *   <caption>What is accepted</caption>
 *   <tr><th>flags</th><th>unsigned model</th><th>signed model</th></tr>
 *   <tr><td>neither (default)</td><td>accepted</td><td>accepted, not verified</td></tr>
 *   <tr><td>{@code --allow-unsigned}</td><td>accepted</td><td>accepted, not verified</td></tr>
 *   <tr><td>{@code --trusted-keys}</td><td>refused: {@code unsigned}</td>
 *       <td>verified: {@code unknown-key} or {@code bad-signature} refused</td></tr>
 *   <tr><td>both</td><td>accepted</td><td>verified, as above</td></tr>
 * </table>
 */
public final class ModelVerifier {
    /** Refusal reason: no signature, and unsigned models are not allowed. */
    public static final String UNSIGNED = "unsigned";
    /** Refusal reason: the signature does not match the bytes (tampered or corrupt), or is malformed. */
    public static final String BAD_SIGNATURE = "bad-signature";
    /** Refusal reason: signed by a key that is not trusted. */
    public static final String UNKNOWN_KEY = "unknown-key";

    private final TrustedKeys trusted;
    private final boolean allowUnsigned;

    private ModelVerifier(TrustedKeys trusted, boolean allowUnsigned) {
        this.trusted = trusted;
        this.allowUnsigned = allowUnsigned;
    }

    /** Accepts every model unverified: the behaviour without {@code --trusted-keys}. */
    public static ModelVerifier unverified(boolean unsignedAllowedExplicitly) {
        return new ModelVerifier(null, unsignedAllowedExplicitly);
    }

    /** Accepts models signed by a trusted key, and unsigned ones only when {@code allowUnsigned}. */
    public static ModelVerifier trusting(TrustedKeys keys, boolean allowUnsigned) {
        return new ModelVerifier(keys, allowUnsigned);
    }

    /** Whether signatures are checked at all (trusted keys were given). */
    public boolean verifies() {
        return trusted != null;
    }

    /** Whether unsigned models were allowed explicitly ({@code --allow-unsigned}). */
    public boolean allowsUnsigned() {
        return allowUnsigned;
    }

    /** One line for the start log: what this detector accepts. */
    public String describe() {
        if (trusted == null) {
            return "models are not verified: any model on the models topic or in --model is served, signed or not;"
                    + " pass --trusted-keys FILE to serve only signed models (docs/security.md)";
        }
        return "serving only models signed by " + (trusted.ids().size() == 1 ? "key " : "one of the keys ")
                + String.join(", ", trusted.ids()) + (allowUnsigned ? ", or unsigned ones (--allow-unsigned)" : "");
    }

    /**
     * Checks a model carried by a record with these headers.
     *
     * @param headers the record's headers by name (the last value of each name)
     */
    public Verdict verify(byte[] onnx, Map<String, byte[]> headers) {
        Optional<ModelSignature> signature;
        try {
            signature = ModelSignature.fromHeaders(headers);
        } catch (IllegalArgumentException e) {
            return refusal(BAD_SIGNATURE, null, "malformed signature headers: " + e.getMessage());
        }
        return verify(onnx, signature);
    }

    /** Checks a model against its signature, if it has one. */
    public Verdict verify(byte[] onnx, Optional<ModelSignature> signature) {
        if (signature.isEmpty()) {
            if (trusted == null || allowUnsigned) {
                return new Verdict(true, null, null, "unsigned, accepted");
            }
            return refusal(UNSIGNED, null, "the model carries no signature; sign it with 'latentwatch train"
                    + " --signing-key', or pass --allow-unsigned to serve unsigned models");
        }
        String keyId = signature.get().keyId();
        if (trusted == null) {
            return new Verdict(true, null, keyId, "signed by key " + keyId + ", not verified (no --trusted-keys)");
        }
        Optional<PublicKey> key = trusted.key(keyId);
        if (key.isEmpty()) {
            return refusal(UNKNOWN_KEY, keyId, "signed by key " + keyId + ", which is not among the trusted keys "
                    + trusted.ids());
        }
        if (!valid(key.get(), onnx, signature.get().signature())) {
            return refusal(BAD_SIGNATURE, keyId, "the signature of key " + keyId + " does not match the model's bytes"
                    + " (tampered or corrupt)");
        }
        return new Verdict(true, null, keyId, "signed by trusted key " + keyId);
    }

    private static boolean valid(PublicKey key, byte[] onnx, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
            signature.initVerify(key);
            signature.update(onnx);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            // a malformed signature (wrong length, bad encoding) is a bad signature, not an error
            return false;
        }
    }

    private static Verdict refusal(String reason, String keyId, String detail) {
        return new Verdict(false, reason, keyId, detail);
    }

    /**
     * The outcome of a check.
     *
     * @param accepted whether the model may be loaded
     * @param reason   why it was refused ({@link #UNSIGNED}, {@link #BAD_SIGNATURE},
     *                 {@link #UNKNOWN_KEY}); null when accepted
     * @param keyId    the signing key's id; null for an unsigned model
     * @param detail   one line for the log
     */
    public record Verdict(boolean accepted, String reason, String keyId, String detail) {
    }
}
