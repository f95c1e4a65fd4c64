package io.latentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.deploy.LatentwatchCli.Run;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.latentwatch.deploy.DeploymentFiles.compose;
import static io.latentwatch.deploy.DeploymentFiles.podSpec;
import static io.latentwatch.deploy.DeploymentFiles.runs;
import static io.latentwatch.deploy.DeploymentFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed models in the deployment files: every trainer signs with the key keygen (compose) or the
 * Secret (Kubernetes) provides, every detector trusts the public key it is given, and each sees
 * only its half of the pair.
 */
class SigningDeploymentTest {
    @Test
    void shouldSignWhatTheComposeTrainersPublishWithTheKeyThatTheDetectorsTrust() {
        // Given the keygen service's private and public key paths and the volumes it writes them to
        JsonNode services = compose().path("services");
        CommandLine.ParseResult keygen = parsed("compose keygen");
        String name = keygen.matchedOptionValue("--name", "");
        Path privateDir = keygen.matchedOptionValue("--output-dir", null);
        Path publicDir = keygen.matchedOptionValue("--public-dir", privateDir);
        Map<String, String> keygenVolumes = volumes(services.path("keygen"));
        String signingVolume = keygenVolumes.get(privateDir.toString());
        String trustedVolume = keygenVolumes.get(publicDir.toString());
        assertThat(signingVolume).isNotNull().isNotEqualTo(trustedVolume);
        assertThat(trustedVolume).isNotNull();

        // Then every trainer signs with the private key, mounted read-only, after keygen ran
        Set<String> trainers = new TreeSet<>();
        Set<String> detectors = new TreeSet<>();
        for (Run run : runs()) {
            if (!run.where().startsWith("compose ")) {
                continue;
            }
            String service = run.where().substring("compose ".length());
            JsonNode spec = services.path(service);
            Map<String, String> mounted = volumes(spec);
            CommandLine.ParseResult parsed = LatentwatchCli.parse(run, DeploymentFilesTest.NON_OPTION_VARIABLES);
            if (run.command().equals("train")) {
                trainers.add(service);
                Path key = parsed.matchedOptionValue("--signing-key", null);
                assertThat(key).as(service).isEqualTo(privateDir.resolve(name + ".key"));
                assertThat(mounted).as(service).containsEntry(privateDir + ":ro", signingVolume)
                        .doesNotContainValue(trustedVolume);
                assertThat(dependsOnKeygen(services, service)).as(service).isTrue();
            }
            // and every detector trusts the public key's directory, mounted read-only, never the private key
            if (run.command().equals("detect")) {
                detectors.add(service);
                Path trusted = parsed.matchedOptionValue("--trusted-keys", null);
                assertThat(trusted).as(service).isEqualTo(publicDir);
                assertThat(mounted).as(service).containsEntry(publicDir + ":ro", trustedVolume)
                        .doesNotContainValue(signingVolume);
                assertThat(parsed.hasMatchedOption("--allow-unsigned")).as(service).isFalse();
                assertThat(services.path(service).path("depends_on").has("keygen")).as(service).isTrue();
            }
        }
        assertThat(trainers).contains("trainer-init", "trainer");
        assertThat(detectors).hasSize(2);
    }

    @Test
    void shouldMountTheSigningKeyInTheTrainerAndTheTrustedKeysInTheDetectorOnKubernetes() {
        for (Run run : runs()) {
            if (!run.where().startsWith("k8s ")) {
                continue;
            }
            CommandLine.ParseResult parsed = LatentwatchCli.parse(run, DeploymentFilesTest.NON_OPTION_VARIABLES);
            JsonNode pod = podSpec(workload(run.command()));
            if (run.command().equals("train")) {
                Path key = parsed.matchedOptionValue("--signing-key", null);
                assertThat(key).as(run.where()).isNotNull();
                JsonNode volume = volumeAt(pod, key.getParent().toString());
                assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("latentwatch-model-signing");
                assertThat(volume.path("secret").path("items").get(0).path("path").asText())
                        .isEqualTo(key.getFileName().toString());
            } else if (run.command().equals("detect")) {
                Path trusted = parsed.matchedOptionValue("--trusted-keys", null);
                assertThat(trusted).as(run.where()).isNotNull();
                JsonNode volume = volumeAt(pod, trusted.toString());
                assertThat(volume.path("configMap").path("name").asText()).isEqualTo("latentwatch-trusted-keys");
            }
        }
        // the example overlay generates both, the public keys as *.pub files (what --trusted-keys DIR reads)
        JsonNode overlay = DeploymentFiles.yaml(DeploymentFiles.file(DeploymentFiles.OVERLAY + "/kustomization.yaml"))
                .get(0);
        List<String> generated = new ArrayList<>();
        overlay.path("configMapGenerator").forEach(g -> {
            if (g.path("name").asText().equals("latentwatch-trusted-keys")) {
                g.path("files").forEach(f -> generated.add(f.asText().split("=")[0]));
            }
        });
        assertThat(generated).isNotEmpty().allSatisfy(f -> assertThat(f).endsWith(".pub"));
        assertThat(overlay.path("secretGenerator").findValuesAsText("name")).contains("latentwatch-model-signing");
    }

    private static CommandLine.ParseResult parsed(String where) {
        Run run = runs().stream().filter(r -> r.where().equals(where)).findFirst().orElseThrow();
        return LatentwatchCli.parse(run, DeploymentFilesTest.NON_OPTION_VARIABLES);
    }

    /** A compose service's named volumes: mount path (with ":ro" when read-only) to volume name. */
    private static Map<String, String> volumes(JsonNode service) {
        Map<String, String> mounts = new TreeMap<>();
        for (String v : strings(service.path("volumes"))) {
            String[] parts = v.split(":");
            mounts.put(parts[1] + (parts.length > 2 && parts[2].equals("ro") ? ":ro" : ""), parts[0]);
        }
        return mounts;
    }

    private static boolean dependsOnKeygen(JsonNode services, String service) {
        JsonNode s = services.path(service);
        if (s.path("depends_on").has("keygen")) {
            return true;
        }
        // a dependency that itself ran after keygen will do
        for (var it = s.path("depends_on").fieldNames(); it.hasNext(); ) {
            String dependency = it.next();
            if (!dependency.equals(service) && services.path(dependency).path("depends_on").has("keygen")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode workload(String command) {
        return DeploymentFiles.workloads().stream()
                .filter(w -> strings(podSpec(w).path("containers").get(0).path("args")).get(0).equals(command))
                .findFirst().orElseThrow();
    }

    private static JsonNode volumeAt(JsonNode pod, String mountPath) {
        String name = null;
        for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(mountPath)) {
                assertThat(m.path("readOnly").asBoolean()).as("%s read-only", mountPath).isTrue();
                name = m.path("name").asText();
            }
        }
        assertThat(name).as("a volume mounted at %s", mountPath).isNotNull();
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }
}
