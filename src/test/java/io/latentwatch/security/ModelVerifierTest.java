package io.latentwatch.security;

import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ModelVerifierTest {
    private final KeyPair trustedPair = SigningKeys.generate();
    private final KeyPair otherPair = SigningKeys.generate();
    private final ModelSigner trusted = new ModelSigner(trustedPair.getPrivate(), trustedPair.getPublic());
    private final ModelSigner other = new ModelSigner(otherPair.getPrivate(), otherPair.getPublic());
    private final TrustedKeys keys = TrustedKeys.of(trustedPair.getPublic());
    private final byte[] model = TestModels.blackIsNormal("v1", 0.5);

    @Test
    void shouldAcceptAModelSignedByATrustedKey() {
        ModelVerifier.Verdict verdict = ModelVerifier.trusting(keys, false).verify(model, trusted.sign(model).toHeaders());
        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.keyId()).isEqualTo(trusted.keyId());
        assertThat(verdict.reason()).isNull();
    }

    @Test
    void shouldRefuseAModelWithAnyByteChanged() {
        // Given a signature over the model
        Map<String, byte[]> headers = trusted.sign(model).toHeaders();
        ModelVerifier verifier = ModelVerifier.trusting(keys, false);

        // When one bit of any of several bytes is flipped, or a byte appended
        for (int at : new int[] {0, model.length / 2, model.length - 1}) {
            byte[] tampered = model.clone();
            tampered[at] ^= 1;
            assertThat(verifier.verify(tampered, headers).reason()).as("byte %d", at).isEqualTo(ModelVerifier.BAD_SIGNATURE);
        }
        byte[] longer = Arrays.copyOf(model, model.length + 1);

        // Then each is refused as a bad signature
        assertThat(verifier.verify(longer, headers).accepted()).isFalse();
        assertThat(verifier.verify(longer, headers).detail()).contains("does not match").contains(trusted.keyId());
    }

    @Test
    void shouldRefuseAModelSignedByAnUnknownKey() {
        ModelVerifier.Verdict verdict = ModelVerifier.trusting(keys, true).verify(model, other.sign(model).toHeaders());
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.reason()).isEqualTo(ModelVerifier.UNKNOWN_KEY);
        assertThat(verdict.keyId()).isEqualTo(other.keyId());
        assertThat(verdict.detail()).contains(other.keyId()).contains(trusted.keyId());
    }

    @Test
    void shouldRefuseAnUnsignedModelUnlessUnsignedModelsAreAllowed() {
        assertThat(ModelVerifier.trusting(keys, false).verify(model, Map.of()).reason())
                .isEqualTo(ModelVerifier.UNSIGNED);
        assertThat(ModelVerifier.trusting(keys, true).verify(model, Map.of()).accepted()).isTrue();
    }

    @Test
    void shouldStillVerifySignedModelsWhenUnsignedOnesAreAllowed() {
        byte[] tampered = model.clone();
        tampered[10] ^= 1;
        ModelVerifier verifier = ModelVerifier.trusting(keys, true);
        assertThat(verifier.verify(tampered, trusted.sign(model).toHeaders()).reason())
                .isEqualTo(ModelVerifier.BAD_SIGNATURE);
        assertThat(verifier.verify(model, other.sign(model).toHeaders()).reason()).isEqualTo(ModelVerifier.UNKNOWN_KEY);
    }

    @Test
    void shouldAcceptEveryModelUnverifiedWithoutTrustedKeys() {
        ModelVerifier verifier = ModelVerifier.unverified(false);
        byte[] tampered = model.clone();
        tampered[10] ^= 1;
        assertThat(verifier.verifies()).isFalse();
        assertThat(verifier.verify(model, Map.of()).accepted()).isTrue();
        assertThat(verifier.verify(tampered, trusted.sign(model).toHeaders()).accepted()).isTrue();
        assertThat(verifier.describe()).contains("not verified").contains("--trusted-keys");
    }

    @Test
    void shouldRefuseMalformedSignatureHeadersAsBadSignatures() {
        ModelVerifier verifier = ModelVerifier.trusting(keys, true);
        Map<String, byte[]> onlyKeyId = Map.of(ModelSignature.KEY_ID_HEADER, bytes(trusted.keyId()));
        Map<String, byte[]> notBase64 = new HashMap<>(trusted.sign(model).toHeaders());
        notBase64.put(ModelSignature.SIGNATURE_HEADER, bytes("***"));
        Map<String, byte[]> tooShort = new HashMap<>(trusted.sign(model).toHeaders());
        tooShort.put(ModelSignature.SIGNATURE_HEADER, bytes("AAAA"));

        assertThat(verifier.verify(model, onlyKeyId).reason()).isEqualTo(ModelVerifier.BAD_SIGNATURE);
        assertThat(verifier.verify(model, onlyKeyId).detail()).contains(ModelSignature.SIGNATURE_HEADER);
        assertThat(verifier.verify(model, notBase64).reason()).isEqualTo(ModelVerifier.BAD_SIGNATURE);
        Map<String, byte[]> forgedLogLine = new HashMap<>(trusted.sign(model).toHeaders());
        forgedLogLine.put(ModelSignature.KEY_ID_HEADER, bytes("abc\nERROR all fine"));
        assertThat(verifier.verify(model, forgedLogLine).reason()).isEqualTo(ModelVerifier.BAD_SIGNATURE);
        assertThat(verifier.verify(model, forgedLogLine).detail()).doesNotContain("\n");
        assertThat(verifier.verify(model, tooShort).reason()).isEqualTo(ModelVerifier.BAD_SIGNATURE);
    }

    @Test
    void shouldCarryTheSameSignatureInHeadersAndInTheDetachedFile() {
        ModelSignature signature = trusted.sign(model);
        assertThat(ModelSignature.fromHeaders(signature.toHeaders())).contains(signature);
        assertThat(ModelSignature.parseFileText(signature.toFileText())).isEqualTo(signature);
        assertThat(signature.toFileText()).contains("key-id: " + trusted.keyId() + "\n");
        assertThat(ModelSignature.fromHeaders(Map.of())).isEmpty();
        assertThat(ModelSignature.fileOf(Path.of("/m/model.onnx")))
                .isEqualTo(Path.of("/m/model.onnx.sig"));
        assertThat(ModelVerifier.trusting(keys, false).verify(model, Optional.of(signature)).accepted()).isTrue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
