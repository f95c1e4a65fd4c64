package io.latentwatch.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeysTest {
    /** Made by {@code openssl genpkey -algorithm ed25519} (a test key, trusted nowhere). */
    private static final String OPENSSL_PRIVATE = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIMtPd7Pe0JCeBWSZJ7TX2zAH78qsMKSzHKCk6MfWqq8R
            -----END PRIVATE KEY-----
            """;
    /** {@code openssl pkey -pubout} of it. */
    private static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEABX3vC8s8AX1+zCCnd6m493YJAhL27h/PaCyvWXEuo4w=
            -----END PUBLIC KEY-----
            """;
    /** {@code openssl pkeyutl -sign -rawin} of the three bytes "vm\n" with it. */
    private static final String OPENSSL_SIGNATURE =
            "Vq+y6B5WuxukQVSE8iWo6TbtbJuqHeDBOg3Qk4wIF5R3SNTPXiH8WeDYiMw1qLxX3oyIMF87zhcsNpb2NIE9CA==";
    private static final byte[] SIGNED = "vm\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void shouldWriteAPairThatReadsBackWithThePrivateKeyReadableByItsOwnerOnly() throws Exception {
        // Given a fresh key pair
        KeyPair pair = SigningKeys.generate();

        // When both halves are written and read back
        Path key = dir.resolve("keys/m.key");
        Path pub = dir.resolve("keys/m.pub");
        SigningKeys.writePrivate(key, pair.getPrivate());
        SigningKeys.writePublic(pub, pair.getPublic());
        ModelSigner signer = ModelSigner.load(key);

        // Then the private key is mode 600, and a signature by the loaded key verifies with the loaded public key
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(signer.keyId()).isEqualTo(SigningKeys.keyId(pair.getPublic())).hasSize(16).matches("[0-9a-f]+");
        ModelVerifier verifier = ModelVerifier.trusting(TrustedKeys.load(pub), false);
        assertThat(verifier.verify(SIGNED, Optional.of(signer.sign(SIGNED))).accepted()).isTrue();
    }

    @Test
    void shouldReadKeysMadeByOpensslAndSignExactlyAsOpensslDoes() throws Exception {
        // Given a key pair made by openssl
        Path key = Files.writeString(dir.resolve("o.key"), OPENSSL_PRIVATE);
        Path pub = Files.writeString(dir.resolve("o.pub"), OPENSSL_PUBLIC);

        // When latentwatch signs the bytes openssl signed
        ModelSigner signer = ModelSigner.load(key);
        ModelSignature signature = signer.sign(SIGNED);

        // Then the key id is derived from the private key alone, and the (deterministic) signatures are equal
        assertThat(signer.keyId()).isEqualTo(SigningKeys.keyId(SigningKeys.readPublic(pub).get(0)));
        assertThat(Base64.getEncoder().encodeToString(signature.signature())).isEqualTo(OPENSSL_SIGNATURE);
        ModelVerifier verifier = ModelVerifier.trusting(TrustedKeys.load(pub), false);
        assertThat(verifier.verify(SIGNED, Optional.of(new ModelSignature(signer.keyId(),
                Base64.getDecoder().decode(OPENSSL_SIGNATURE)))).accepted()).isTrue();
    }

    @Test
    void shouldSayWhatIsWrongWithAKeyFile() throws Exception {
        Path pub = Files.writeString(dir.resolve("o.pub"), OPENSSL_PUBLIC);
        Path key = Files.writeString(dir.resolve("o.key"), OPENSSL_PRIVATE);
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Path rsaPub = Files.writeString(dir.resolve("rsa.pub"), SigningKeys.publicPem(rsa.generateKeyPair().getPublic()));
        Path broken = Files.writeString(dir.resolve("broken.pub"),
                "-----BEGIN PUBLIC KEY-----\nMCowBQ\n-----END PUBLIC KEY-----\n");

        assertThatThrownBy(() -> SigningKeys.readPrivate(pub)).hasMessageContaining("no '-----BEGIN PRIVATE KEY-----'")
                .hasMessageContaining("holds a public key");
        assertThatThrownBy(() -> SigningKeys.readPrivate(dir.resolve("missing.key")))
                .hasMessageContaining("no such readable file");
        assertThatThrownBy(() -> SigningKeys.readPublic(key)).hasMessageContaining("holds a private key");
        assertThatThrownBy(() -> SigningKeys.readPublic(text)).hasMessageContaining("no '-----BEGIN PUBLIC KEY-----'");
        assertThatThrownBy(() -> SigningKeys.readPublic(rsaPub)).hasMessageContaining("is not an Ed25519 key");
        assertThatThrownBy(() -> SigningKeys.readPublic(broken)).hasMessageContaining("is not an Ed25519 key");
    }

    @Test
    void shouldTrustEveryKeyOfAFileOrOfTheKeyFilesOfADirectory() throws Exception {
        // Given two keys in one file, and a directory with them as two .pub files, a private key and hidden entries
        KeyPair a = SigningKeys.generate();
        KeyPair b = SigningKeys.generate();
        Path both = Files.writeString(dir.resolve("trusted.pem"),
                SigningKeys.publicPem(a.getPublic()) + "\n# the next key\n" + SigningKeys.publicPem(b.getPublic()));
        Path keys = Files.createDirectories(dir.resolve("keys"));
        SigningKeys.writePublic(keys.resolve("a.pub"), a.getPublic());
        SigningKeys.writePublic(keys.resolve("b.pub"), b.getPublic());
        SigningKeys.writePrivate(keys.resolve("a.key"), a.getPrivate());
        Files.createDirectories(keys.resolve("..data"));
        Files.writeString(keys.resolve(".c.pub"), "not a key");

        // Then both ways trust exactly the two keys
        String idA = SigningKeys.keyId(a.getPublic());
        String idB = SigningKeys.keyId(b.getPublic());
        assertThat(TrustedKeys.load(both).ids()).containsExactly(idA, idB);
        assertThat(TrustedKeys.load(keys).ids()).containsExactlyInAnyOrder(idA, idB);

        // and a missing path or a directory without key files is an error that says so
        assertThatThrownBy(() -> TrustedKeys.load(dir.resolve("nope"))).hasMessageContaining("no such file or directory");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TrustedKeys.load(empty)).hasMessageContaining("no *.pub file");
    }
}
