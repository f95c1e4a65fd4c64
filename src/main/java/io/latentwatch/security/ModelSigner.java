package io.latentwatch.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;

/** Signs models with one Ed25519 private key (the trainer's {@code --signing-key}). */
public final class ModelSigner {
    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String keyId;

    /**
     * @param key       the private key
     * @param publicKey its public half, which names the key ({@link SigningKeys#keyId})
     */
    public ModelSigner(PrivateKey key, PublicKey publicKey) {
        this.key = key;
        this.publicKey = publicKey;
        this.keyId = SigningKeys.keyId(publicKey);
    }

    /**
     * Loads a signer from a PEM private key file; the public key, and so the key id, is derived
     * from it.
     *
     * @throws IllegalArgumentException when the file holds no Ed25519 private key
     */
    public static ModelSigner load(Path file) {
        PrivateKey key = SigningKeys.readPrivate(file);
        return new ModelSigner(key, publicOf(key));
    }

    /** The id of the signing key, as detectors see it in headers and logs. */
    public String keyId() {
        return keyId;
    }

    /** The public half of the signing key: what detectors trust. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Signs the exact bytes of an ONNX file. */
    public ModelSignature sign(byte[] onnx) {
        try {
            Signature signature = Signature.getInstance(SigningKeys.ALGORITHM);
            signature.initSign(key);
            signature.update(onnx);
            return new ModelSignature(keyId, signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the model: " + e.getMessage(), e);
        }
    }

    /**
     * The public half of an Ed25519 private key, so that a private key file alone is enough to
     * sign. The JDK has no call for it, but its Ed25519 key pair generator derives the public key
     * from 32 random bytes, which are the private key: fed the private key's bytes, it yields the
     * matching public key. A probe signature checks the derivation, so another JDK's generator
     * cannot yield a wrong key id silently.
     */
    static PublicKey publicOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an " + SigningKeys.ALGORITHM + " private key");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(SigningKeys.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(ed.getBytes().get()));
            PublicKey derived = generator.generateKeyPair().getPublic();
            byte[] probe = "latentwatch key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(SigningKeys.ALGORITHM);
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance(SigningKeys.ALGORITHM);
            verifier.initVerify(derived);
            verifier.update(probe);
            if (!verifier.verify(signer.sign())) {
                throw new IllegalStateException("this JVM derives a public key that does not match the private key");
            }
            return derived;
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new IllegalStateException("cannot derive the public key of the signing key: " + e.getMessage(), e);
        }
    }

    /** Hands out the given seed as the "random" bytes of a key pair generation. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;

        private FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
