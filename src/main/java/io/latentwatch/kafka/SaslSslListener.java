package io.latentwatch.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An optional SASL_SSL listener of the {@link EmbeddedKafka} broker: TLS with a PKCS12 key store
 * and SCRAM-SHA-512 logins, the set-up of a typical secured production cluster, so that the tests
 * can prove every command connects through {@code --kafka-config}.
 *
 * <p>The broker keeps a PLAINTEXT listener for itself (controller and inter-broker traffic) and
 * for creating the SCRAM users; clients under test are given only the SASL_SSL address.
 *
 * @param keyStore         PKCS12 key store holding the broker's private key and certificate chain;
 *                         the certificate must name 127.0.0.1 (clients verify the host name)
 * @param keyStorePassword password of the key store and of its key
 * @param users            SCRAM-SHA-512 users (name to password) created before the broker is handed out
 */
public record SaslSslListener(Path keyStore, String keyStorePassword, Map<String, String> users) {
    /** The listener's name, as in {@code listener.security.protocol.map}. */
    public static final String NAME = "SASL_SSL";
    /** The only SASL mechanism the listener enables. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** SCRAM-SHA-512's minimum iteration count, which is also Kafka's default. */
    private static final int ITERATIONS = 4096;

    public SaslSslListener {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SASL_SSL listener needs at least one SCRAM user");
        }
        users = Collections.unmodifiableMap(new TreeMap<>(users));
    }

    /**
     * The {@code sasl.jaas.config} value that logs in as {@code user} with SCRAM.
     */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Adds the listener's settings to the broker's properties; {@code listeners} and the maps are extended by the caller. */
    void addBrokerProperties(Properties p) {
        String prefix = "listener.name." + NAME.toLowerCase(Locale.ROOT) + ".";
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        p.put(prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put(prefix + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        p.put(prefix + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toAbsolutePath().toString());
        p.put(prefix + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keyStorePassword);
        p.put(prefix + SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyStorePassword);
    }

    /** Creates the SCRAM users through the controller; returns once the broker knows every one. */
    void createUsers(Admin admin, long deadlineNanos) throws Exception {
        List<UserScramCredentialUpsertion> upserts = new ArrayList<>();
        users.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password)));
        admin.alterUserScramCredentials(new ArrayList<>(upserts)).all().get(remainingMillis(deadlineNanos),
                TimeUnit.MILLISECONDS);
        while (admin.describeUserScramCredentials(new ArrayList<>(users.keySet())).all()
                .get(remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS).size() < users.size()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("the embedded broker did not learn its SCRAM users in time");
            }
            Thread.sleep(50);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /**
     * Client settings that log in as {@code user} over this listener, trusting the root of the
     * key store's certificate chain; what a {@code --kafka-config} file would hold.
     */
    public Map<String, Object> clientProperties(String bootstrapServers, String user) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, NAME);
        props.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, users.get(user)));
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        props.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, rootCertificatePem());
        return props;
    }

    private String rootCertificatePem() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, keyStorePassword.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                Certificate[] chain = store.getCertificateChain(alias);
                if (chain != null && chain.length > 0) {
                    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
                    return "-----BEGIN CERTIFICATE-----\n" + base64.encodeToString(chain[chain.length - 1].getEncoded())
                            + "\n-----END CERTIFICATE-----";
                }
            }
            throw new IllegalStateException("key store " + keyStore + " holds no private key with a certificate");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read key store " + keyStore + ": " + e.getMessage(), e);
        }
    }
}
