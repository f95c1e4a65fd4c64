package io.latentwatch.cli;

import io.latentwatch.security.ModelSigner;
import io.latentwatch.security.SigningKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code latentwatch keygen}: writes an Ed25519 key pair for signing models. */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes an Ed25519 key pair for signing models (docs/security.md).",
                "",
                "DIR/NAME.key: the private key (PKCS#8 PEM, mode 600), for 'train --signing-key'.",
                "DIR/NAME.pub: the public key (X.509 PEM), for 'detect --trusted-keys'.",
                "Prints the key id (first 16 hex digits of the SHA-256 of the public key), which",
                "names the key in record headers, .sig files and the detector's log."})
public final class KeygenCommand implements Callable<Integer> {
    /** Suffix of the private key file. */
    public static final String PRIVATE_SUFFIX = ".key";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--output-dir", defaultValue = ".", paramLabel = "DIR",
            description = "Directory of the key files, created when missing (default: the current directory).")
    Path outputDir;

    @Option(names = "--name", defaultValue = "latentwatch-models", paramLabel = "NAME",
            description = "File name of the pair without suffix: letters, digits, '.', '_', '-'"
                    + " (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--public-dir", paramLabel = "DIR",
            description = "Write NAME.pub here instead (e.g. a volume only the detectors mount).")
    Path publicDir;

    @Option(names = "--force", description = "Overwrite an existing key pair. Models signed with the old key are"
            + " refused by detectors that trust only the new one.")
    boolean force;

    @Option(names = "--if-missing", description = "Do nothing when NAME.key exists (exit 0, its key id printed):"
            + " for a setup step that runs on every start.")
    boolean ifMissing;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new CommandLine.ParameterException(cl, "--name " + name + ": use letters, digits, '.', '_' and '-'"
                    + " only, not starting with '.'");
        }
        if (force && ifMissing) {
            throw new CommandLine.ParameterException(cl, "--force and --if-missing contradict each other; give one");
        }
        Path privateKey = outputDir.resolve(name + PRIVATE_SUFFIX);
        Path publicKey = (publicDir == null ? outputDir : publicDir).resolve(name + ".pub");
        PrintWriter out = cl.getOut();
        if (Files.exists(privateKey) && ifMissing) {
            PublicKey existing = ModelSigner.load(privateKey).publicKey();
            if (!Files.exists(publicKey)) {
                try {
                    SigningKeys.writePublic(publicKey, existing);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot write " + publicKey + ": " + e);
                }
            }
            out.println("key id " + SigningKeys.keyId(existing) + ": " + privateKey + " exists, left as it is");
            out.flush();
            return 0;
        }
        for (Path file : List.of(privateKey, publicKey)) {
            if (Files.exists(file) && !force) {
                throw new CommandLine.ParameterException(cl, file + " exists; pass --force to replace the key pair"
                        + " (detectors trusting the old key then refuse models signed with the new one until they"
                        + " trust it), or --if-missing to keep it");
            }
        }
        KeyPair pair = SigningKeys.generate();
        try {
            SigningKeys.writePrivate(privateKey, pair.getPrivate());
            SigningKeys.writePublic(publicKey, pair.getPublic());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the key pair: " + e);
        }
        out.println("key id " + SigningKeys.keyId(pair.getPublic()));
        out.println("private key " + privateKey + " (keep it secret: train --signing-key " + privateKey + ")");
        out.println("public key  " + publicKey + " (detect --trusted-keys " + publicKey + ")");
        out.flush();
        return 0;
    }
}
