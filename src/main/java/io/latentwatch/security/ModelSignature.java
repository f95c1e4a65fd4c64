package io.latentwatch.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An Ed25519 signature over a model's exact ONNX bytes and the id of the key that made it.
 *
 * <p>On the models topic it travels in two record headers, {@value #SIGNATURE_HEADER} (base64)
 * and {@value #KEY_ID_HEADER}; next to a model file it is a small text file {@code FILE.onnx.sig}:
 * <pre>
 * # latentwatch model signature: Ed25519 over the exact bytes of the .onnx file
 * key-id: 3f9a0c1d2e4b5a69
 * signature: BASE64
 * </pre>
 *
 * @param keyId     {@link SigningKeys#keyId} of the signing key
 * @param signature the 64 signature bytes
 */
public record ModelSignature(String keyId, byte[] signature) {
    /** Record header with the base64 signature. */
    public static final String SIGNATURE_HEADER = "x-latentwatch-signature";
    /** Record header with the signing key's id. */
    public static final String KEY_ID_HEADER = "x-latentwatch-key-id";
    /** Suffix of the detached signature file: {@code model.onnx} is signed by {@code model.onnx.sig}. */
    public static final String FILE_SUFFIX = ".sig";

    public ModelSignature {
        // a closed format: the id comes from a record header, and ends up in log lines
        if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("a key id is 16 lowercase hex digits, got '"
                    + (keyId == null ? "" : keyId.replaceAll("[^\\x20-\\x7e]", "?")) + "'");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The two record headers, in the order they are added. */
    public Map<String, byte[]> toHeaders() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(KEY_ID_HEADER, keyId.getBytes(StandardCharsets.UTF_8));
        headers.put(SIGNATURE_HEADER, Base64.getEncoder().encode(signature));
        return headers;
    }

    /**
     * The signature the headers carry: empty when neither header is there (an unsigned model).
     *
     * @throws IllegalArgumentException when only one is there or the signature is not base64
     */
    public static Optional<ModelSignature> fromHeaders(Map<String, byte[]> headers) {
        byte[] keyId = headers.get(KEY_ID_HEADER);
        byte[] signature = headers.get(SIGNATURE_HEADER);
        if (keyId == null && signature == null) {
            return Optional.empty();
        }
        if (keyId == null || signature == null) {
            throw new IllegalArgumentException("header " + (keyId == null ? SIGNATURE_HEADER : KEY_ID_HEADER)
                    + " without " + (keyId == null ? KEY_ID_HEADER : SIGNATURE_HEADER));
        }
        return Optional.of(new ModelSignature(new String(keyId, StandardCharsets.UTF_8).strip(),
                decode(new String(signature, StandardCharsets.US_ASCII))));
    }

    /** Text of the detached {@code .sig} file. */
    public String toFileText() {
        return "# latentwatch model signature: " + SigningKeys.ALGORITHM + " over the exact bytes of the .onnx file\n"
                + "key-id: " + keyId + "\n"
                + "signature: " + Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /**
     * Parses a detached signature file's text.
     *
     * @throws IllegalArgumentException when a line is missing or malformed
     */
    public static ModelSignature parseFileText(String text) {
        String keyId = null;
        String signature = null;
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("unexpected line '" + l + "'; expected 'key-id: ...' and"
                        + " 'signature: ...'");
            }
            String name = l.substring(0, colon).strip();
            String value = l.substring(colon + 1).strip();
            if (name.equals("key-id")) {
                keyId = value;
            } else if (name.equals("signature")) {
                signature = value;
            }
        }
        if (keyId == null || signature == null) {
            throw new IllegalArgumentException("missing '" + (keyId == null ? "key-id" : "signature") + ":' line");
        }
        return new ModelSignature(keyId, decode(signature));
    }

    /** The detached signature file of a model file: the same path plus {@value #FILE_SUFFIX}. */
    public static Path fileOf(Path model) {
        return model.resolveSibling(model.getFileName() + FILE_SUFFIX);
    }

    /**
     * Reads the detached signature of a model file: empty when there is no {@code .sig} file.
     *
     * @throws IllegalArgumentException when it exists but cannot be read or parsed
     */
    public static Optional<ModelSignature> readFor(Path model) {
        Path file = fileOf(model);
        try {
            return Optional.of(parseFileText(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signature is not base64", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSignature other && keyId.equals(other.keyId)
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "ModelSignature[keyId=" + keyId + "]";
    }
}
