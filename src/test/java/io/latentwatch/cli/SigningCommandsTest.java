package io.latentwatch.cli;

import io.latentwatch.config.DetectorConfig;
import io.latentwatch.security.ModelSignature;
import io.latentwatch.security.ModelVerifier;
import io.latentwatch.security.SigningKeys;
import io.latentwatch.security.TrustedKeys;
import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** keygen, train --signing-key and detect --trusted-keys/--allow-unsigned on the command line. */
class SigningCommandsTest {
    private static final String SAMPLE = "data/fashion-mnist-sample";
    @TempDir
    Path dir;

    @Test
    void shouldWriteAKeyPairAndRefuseToReplaceItUnlessForced() throws Exception {
        // When keygen runs
        Run first = run("keygen", "--output-dir", dir.toString(), "--name", "models");

        // Then it wrote the private key owner-only and the public key, and printed the key id
        Path key = dir.resolve("models.key");
        Path pub = dir.resolve("models.pub");
        String keyId = SigningKeys.keyId(SigningKeys.readPublic(pub).get(0));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("key id " + keyId).contains("train --signing-key " + key)
                .contains("detect --trusted-keys " + pub);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        // and a second run refuses to replace the pair, keeps it with --if-missing, and replaces it with --force
        Run again = run("keygen", "--output-dir", dir.toString(), "--name", "models");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains(key + " exists").contains("--force").contains("--if-missing");
        Run kept = run("keygen", "--output-dir", dir.toString(), "--name", "models", "--if-missing");
        assertThat(kept.exitCode()).isZero();
        assertThat(kept.out()).contains("key id " + keyId).contains("left as it is");
        Run forced = run("keygen", "--output-dir", dir.toString(), "--name", "models", "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(SigningKeys.keyId(SigningKeys.readPublic(pub).get(0))).isNotEqualTo(keyId);
    }

    @Test
    void shouldWriteThePublicKeyWhereAsked() {
        Path trusted = dir.resolve("trusted");
        Run run = run("keygen", "--output-dir", dir.resolve("private").toString(), "--public-dir", trusted.toString(),
                "--name", "m");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(dir.resolve("private/m.key")).exists();
        assertThat(dir.resolve("private/m.pub")).doesNotExist();
        assertThat(TrustedKeys.load(trusted).ids()).hasSize(1);
    }

    @Test
    void shouldNameTheFlagOfABadSigningSetting() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        run("keygen", "--output-dir", dir.toString(), "--name", "k");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(run("keygen", "--name", "../x").err()).contains("--name ../x");
        assertThat(run("keygen", "--output-dir", dir.toString(), "--force", "--if-missing").err())
                .contains("--force and --if-missing");
        for (String[] bad : new String[][] {
                {dir.resolve("missing.pub").toString(), "no such file or directory"},
                {dir.resolve("k.key").toString(), "holds a private key"},
                {empty.toString(), "no *.pub file"}}) {
            Run detect = run("detect", "--model", model.toString(), "--trusted-keys", bad[0]);
            assertThat(detect.exitCode()).isEqualTo(2);
            assertThat(detect.err()).contains("--trusted-keys " + bad[0]).contains(bad[1]);
        }
        for (String[] bad : new String[][] {
                {dir.resolve("missing.key").toString(), "no such readable file"},
                {dir.resolve("k.pub").toString(), "holds a public key"}}) {
            Run train = run("train", "--idx", SAMPLE, "--normal-classes", "7", "--output", dir.resolve("t.onnx").toString(),
                    "--signing-key", bad[0]);
            assertThat(train.exitCode()).isEqualTo(2);
            assertThat(train.err()).contains("--signing-key " + bad[0]).contains(bad[1]);
        }
    }

    @Test
    void shouldVerifyOnlyWithTrustedKeysAndAllowUnsignedOnlyWhenAsked() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("v1", 0.5));
        run("keygen", "--output-dir", dir.toString(), "--name", "k");
        String pub = dir.resolve("k.pub").toString();

        ModelVerifier byDefault = config("detect", "--model", model.toString()).model().verifier();
        ModelVerifier strict = config("detect", "--model", model.toString(), "--trusted-keys", pub).model().verifier();
        ModelVerifier lenient = config("detect", "--model", model.toString(), "--trusted-keys", pub, "--allow-unsigned")
                .model().verifier();
        ModelVerifier fromEnv = config(Map.of("LATENTWATCH_TRUSTED_KEYS", pub), "detect", "--model", model.toString())
                .model().verifier();

        assertThat(byDefault.verifies()).isFalse();
        assertThat(strict.verifies()).isTrue();
        assertThat(strict.allowsUnsigned()).isFalse();
        assertThat(lenient.allowsUnsigned()).isTrue();
        assertThat(fromEnv.verifies()).isTrue();
    }

    @Test
    void shouldSignTheTrainedModelAndDropAStaleSignatureWhenTrainingUnsigned() throws Exception {
        // Given a key pair
        run("keygen", "--output-dir", dir.toString(), "--name", "k");
        Path model = dir.resolve("shoes.onnx");
        String[] train = {"train", "--idx", SAMPLE, "--normal-classes", "7", "--epochs", "1", "--filters", "4",
                "--latent-size", "8", "--output", model.toString(), "--force"};

        // When a model is trained with --signing-key
        Run signed = run(concat(train, "--signing-key", dir.resolve("k.key").toString()));

        // Then FILE.onnx.sig next to it verifies against the public key
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(signed.err()).contains("wrote " + model + ".sig (signed by key ");
        ModelVerifier verifier = ModelVerifier.trusting(TrustedKeys.load(dir.resolve("k.pub")), false);
        Optional<ModelSignature> signature = ModelSignature.readFor(model);
        assertThat(verifier.verify(Files.readAllBytes(model), signature).accepted()).isTrue();

        // When the next model is trained without a key, the old signature, which no longer matches, is removed
        Run unsigned = run(train);
        assertThat(unsigned.exitCode()).as(unsigned.err()).isZero();
        assertThat(ModelSignature.fileOf(model)).doesNotExist();
        assertThat(unsigned.err()).contains("removed " + model + ".sig");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static DetectorConfig config(String... args) {
        return config(Map.of(), args);
    }

    private static DetectorConfig config(Map<String, String> env, String... args) {
        CommandLine.ParseResult parsed = Main.commandLine(env).parseArgs(args);
        return ((DetectCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(Map.of());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
