package io.latentwatch.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys and their files. A private key is PKCS#8 in a {@code -----BEGIN PRIVATE KEY-----}
 * PEM block, a public key X.509 SubjectPublicKeyInfo in a {@code -----BEGIN PUBLIC KEY-----}
 * block: the formats {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout}
 * write, so keys made either way work with both tools.
 */
public final class SigningKeys {
    /** The signature algorithm, from the JDK's own provider (Java 15+). */
    public static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private SigningKeys() {
    }

    /** A fresh key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM + " provider; run on Java 17 or newer", e);
        }
    }

    /**
     * The key id: the first 16 hex digits of the SHA-256 of the public key's X.509 encoding. It
     * names the key in record headers, {@code .sig} files and log lines.
     */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of a private key (PKCS#8). */
    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE_LABEL, key.getEncoded());
    }

    /** PEM text of a public key (X.509 SubjectPublicKeyInfo). */
    public static String publicPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /**
     * Writes a private key readable by its owner only (mode 600 where the file system has POSIX
     * permissions), through a temporary file and a rename, so no reader ever sees it half written
     * or with wider permissions.
     */
    public static void writePrivate(Path file, PrivateKey key) throws IOException {
        write(file, privatePem(key), PosixFilePermissions.fromString("rw-------"));
    }

    /** Writes a public key (mode 644: it is no secret). */
    public static void writePublic(Path file, PublicKey key) throws IOException {
        write(file, publicPem(key), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // createTempFile makes the file owner-only (600) on POSIX file systems before a byte is written
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(tmp, mode);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own permissions protect the key
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads an Ed25519 private key from a PEM file.
     *
     * @throws IllegalArgumentException when the file is unreadable or holds no such key; the
     *                                  message says what the file holds instead
     */
    public static PrivateKey readPrivate(Path file) {
        String text = readText(file);
        List<byte[]> blocks = blocks(text, PRIVATE_LABEL);
        if (blocks.isEmpty()) {
            String hint = blocks(text, PUBLIC_LABEL).isEmpty() ? "" : " (it holds a public key: sign with the private"
                    + " one, the .key file 'latentwatch keygen' wrote)";
            throw new IllegalArgumentException(file + ": no '-----BEGIN PRIVATE KEY-----' block" + hint
                    + "; create a key pair with 'latentwatch keygen'");
        }
        if (blocks.size() > 1) {
            throw new IllegalArgumentException(file + ": " + blocks.size() + " private keys; give a file with one");
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not an " + ALGORITHM + " private key (" + e.getMessage()
                    + "); create one with 'latentwatch keygen'", e);
        }
    }

    /**
     * Reads every Ed25519 public key of a PEM file (one or more {@code PUBLIC KEY} blocks).
     *
     * @throws IllegalArgumentException when the file is unreadable, holds no public key, holds a
     *                                  private key, or a key that is not Ed25519
     */
    public static List<PublicKey> readPublic(Path file) {
        String text = readText(file);
        if (!blocks(text, PRIVATE_LABEL).isEmpty()) {
            throw new IllegalArgumentException(file + " holds a private key; detectors need only the public key"
                    + " (the .pub file 'latentwatch keygen' wrote), and the private key belongs to the trainer alone");
        }
        List<byte[]> blocks = blocks(text, PUBLIC_LABEL);
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(file + ": no '-----BEGIN PUBLIC KEY-----' block; give the .pub file"
                    + " that 'latentwatch keygen' wrote");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (byte[] block : blocks) {
            try {
                keys.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(block)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + ": public key " + (keys.size() + 1) + " is not an "
                        + ALGORITHM + " key (" + e.getMessage() + ")", e);
            }
        }
        return keys;
    }

    private static String readText(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": no such readable file");
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static List<byte[]> blocks(String text, String label) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", "")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a '" + label + "' block is not valid base64", e);
                }
            }
        }
        return blocks;
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
