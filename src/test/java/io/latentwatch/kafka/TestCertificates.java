package io.latentwatch.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker certificate made at test time with the JDK's own {@code keytool}: a self-signed EC
 * key pair for 127.0.0.1 in a PKCS12 key store, and a PKCS12 trust store holding its certificate,
 * as a client's {@code ssl.truststore.location} would.
 *
 * @param keyStore   the broker's key store
 * @param trustStore the clients' trust store
 * @param password   password of both stores and of the key
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

    /** Writes {@code broker.p12} and {@code truststore.p12} into {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        String password = "test-store-password";
        Path keyStore = dir.resolve("broker.p12");
        Path trustStore = dir.resolve("truststore.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "broker",
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool -genkeypair failed: " + output);
        }
        writeTrustStore(keyStore, trustStore, password);
        return new TestCertificates(keyStore, trustStore, password);
    }

    private static void writeTrustStore(Path keyStore, Path trustStore, String password) throws IOException {
        try (InputStream in = Files.newInputStream(keyStore); OutputStream out = Files.newOutputStream(trustStore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password.toCharArray());
            Certificate certificate = keys.getCertificate("broker");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("broker-ca", certificate);
            trust.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the trust store: " + e.getMessage(), e);
        }
    }
}
