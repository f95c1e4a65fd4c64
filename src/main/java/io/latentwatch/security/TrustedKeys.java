package io.latentwatch.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public keys a detector trusts ({@code --trusted-keys}), by key id. Several at once is how
 * keys are rotated: trust the new key next to the old one, switch the trainer to the new one,
 * then drop the old one.
 */
public final class TrustedKeys {
    /** Suffix of the key files read from a directory. */
    public static final String FILE_SUFFIX = ".pub";
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    }

    /** Trusts exactly these keys. */
    public static TrustedKeys of(PublicKey... keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            byId.put(SigningKeys.keyId(key), key);
        }
        return new TrustedKeys(byId);
    }

    /**
     * Loads the trusted keys from a PEM file of one or more {@code PUBLIC KEY} blocks, or from a
     * directory: every {@code *.pub} file in it (not its sub-directories; names starting with a dot
     * are skipped, as are the entries Kubernetes adds to a mounted ConfigMap or Secret), each with
     * one or more keys.
     *
     * @throws IllegalArgumentException when the path is missing or unreadable, a file holds no
     *                                  public key or a private one, or a directory holds no key file
     */
    public static TrustedKeys load(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such file or directory");
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                entries.filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> p.getFileName().toString().endsWith(FILE_SUFFIX))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new IllegalArgumentException(path + ": cannot list the directory (" + e.getMessage() + ")", e);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(path + ": no *" + FILE_SUFFIX + " file in the directory; put the"
                        + " public keys ('latentwatch keygen' writes NAME" + FILE_SUFFIX + ") there");
            }
        } else {
            files.add(path);
        }
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (Path file : files) {
            for (PublicKey key : SigningKeys.readPublic(file)) {
                byId.put(SigningKeys.keyId(key), key);
            }
        }
        return new TrustedKeys(byId);
    }

    /** The key with this id, if trusted. */
    public Optional<PublicKey> key(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** The ids of the trusted keys, in the order they were read. */
    public Set<String> ids() {
        return byId.keySet();
    }
}
