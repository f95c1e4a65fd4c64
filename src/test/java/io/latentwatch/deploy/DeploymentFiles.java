package io.latentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.latentwatch.deploy.LatentwatchCli.Run;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files of the repository, read the way their tools read them: YAML with anchors
 * and merge keys resolved (SnakeYAML, which Jackson's YAML module brings; Jackson alone keeps
 * {@code <<} as a plain key), the Dockerfile as instructions, kustomize's generated ConfigMaps;
 * and what they say that the tests compare: the runs of latentwatch, topics, ports, the image.
 */
final class DeploymentFiles {
    /** The kustomize base and the example overlay. */
    static final String BASE = "deploy/k8s/base";
    static final String OVERLAY = "deploy/k8s/overlays/example";
    /** The image the compose services run (and build). */
    static final String IMAGE = "latentwatch:local";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DOCKERFILE_INSTRUCTION = Pattern.compile("^([A-Za-z]+)\\s+(.*)$", Pattern.DOTALL);

    private DeploymentFiles() {
    }

    /** The repository root: the nearest directory upwards holding pom.xml (Maven runs tests in it). */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        return Objects.requireNonNull(dir, "no pom.xml above the working directory");
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file (empty documents left out). */
    static List<JsonNode> yaml(Path file) {
        try {
            return yamlText(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML text (empty documents left out). */
    static List<JsonNode> yamlText(String text) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<JsonNode> docs = new ArrayList<>();
        for (Object doc : yaml.loadAll(text)) {
            if (doc != null) {
                docs.add(JSON.valueToTree(doc));
            }
        }
        return docs;
    }

    static JsonNode compose() {
        return yaml(file("docker-compose.yml")).get(0);
    }

    /** Every YAML file under deploy/ and at the top level (docker-compose.yml). */
    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(file("deploy"))) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList());
            all.add(0, file("docker-compose.yml"));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Kubernetes resources of a kustomization directory's own files (its 'resources' that are files). */
    static List<JsonNode> resources(String kustomizationDir) {
        Path dir = file(kustomizationDir);
        JsonNode kustomization = yaml(dir.resolve("kustomization.yaml")).get(0);
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isRegularFile(path)) {
                docs.addAll(yaml(path));
            }
        }
        return docs;
    }

    /** The literals of a kustomization's configMapGenerator entries, by ConfigMap name. */
    static Map<String, Map<String, String>> configMapLiterals(String kustomizationDir) {
        JsonNode kustomization = yaml(file(kustomizationDir).resolve("kustomization.yaml")).get(0);
        Map<String, Map<String, String>> maps = new TreeMap<>();
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            Map<String, String> literals = maps.computeIfAbsent(generator.path("name").asText(), n -> new TreeMap<>());
            for (JsonNode literal : generator.path("literals")) {
                String[] kv = literal.asText().split("=", 2);
                literals.put(kv[0], kv[1]);
            }
        }
        return maps;
    }

    static JsonNode one(List<JsonNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElse(MissingNode.getInstance());
    }

    static List<JsonNode> all(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    /** The pod template of a workload (Deployment, or a CronJob's job template). */
    static JsonNode podSpec(JsonNode workload) {
        JsonNode template = workload.path("kind").asText().equals("CronJob")
                ? workload.path("spec").path("jobTemplate").path("spec").path("template")
                : workload.path("spec").path("template");
        return template.path("spec");
    }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    static Set<String> names(JsonNode objectNode) {
        Set<String> names = new TreeSet<>();
        objectNode.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A Dockerfile instruction: keyword (upper case), its arguments, and the build stage it is in. */
    record Instruction(String keyword, String arguments, int stage) {
        /** The arguments of an exec-form (JSON array) instruction. */
        List<String> execForm() {
            try {
                return strings(JSON.readTree(arguments));
            } catch (IOException e) {
                throw new IllegalStateException("not an exec-form (JSON array) instruction: " + this, e);
            }
        }
    }

    /** The Dockerfile's instructions, continuation lines joined and comments left out. */
    static List<Instruction> dockerfile() {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String line : read("Dockerfile").split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            Matcher m = DOCKERFILE_INSTRUCTION.matcher(current.toString().strip());
            if (!m.matches()) {
                throw new IllegalStateException("not a Dockerfile instruction: " + current);
            }
            String keyword = m.group(1).toUpperCase(java.util.Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(keyword, m.group(2).replaceAll("\\s+", " ").strip(), stage));
            current.setLength(0);
        }
        return instructions;
    }

    // ---- what the files say, as the tests need it ----

    /** Every run of latentwatch: compose services of the image, Kubernetes workloads of base and overlay. */
    static List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        compose().path("services").properties().forEach(e -> {
            JsonNode service = e.getValue();
            if (IMAGE.equals(service.path("image").asText())) {
                Map<String, String> env = new LinkedHashMap<>();
                service.path("environment").properties().forEach(v -> env.put(v.getKey(), v.getValue().asText()));
                runs.add(new Run("compose " + e.getKey(), strings(service.path("command")), env));
            }
        });
        Map<String, Map<String, String>> baseMaps = configMapLiterals(BASE);
        Map<String, Map<String, String>> overlayMaps = new TreeMap<>();
        baseMaps.forEach((name, literals) -> overlayMaps.put(name, new TreeMap<>(literals)));
        configMapLiterals(OVERLAY)
                .forEach((name, literals) -> overlayMaps.computeIfAbsent(name, n -> new TreeMap<>()).putAll(literals));
        for (JsonNode workload : workloads()) {
            JsonNode container = podSpec(workload).path("containers").get(0);
            for (var maps : List.of(Map.entry("base", baseMaps), Map.entry("example overlay", overlayMaps))) {
                Map<String, String> env = new LinkedHashMap<>();
                container.path("envFrom").forEach(f -> env.putAll(maps.getValue()
                        .get(f.path("configMapRef").path("name").asText())));
                container.path("env").forEach(v -> env.put(v.path("name").asText(), v.path("value").asText()));
                runs.add(new Run("k8s " + maps.getKey() + " " + workload.path("metadata").path("name").asText(),
                        strings(container.path("args")), env));
            }
        }
        return runs;
    }

    static List<JsonNode> workloads() {
        List<JsonNode> base = resources(BASE);
        List<JsonNode> workloads = new ArrayList<>(all(base, "Deployment"));
        workloads.addAll(all(base, "CronJob"));
        return workloads;
    }

    static JsonNode detectorDeployment() {
        return one(resources(BASE), "Deployment", "latentwatch-detector");
    }

    static JsonNode scaledObject() {
        return one(resources(BASE), "ScaledObject", "latentwatch-detector");
    }

    static Map<String, JsonNode> composeDetectors() {
        Map<String, JsonNode> detectors = new TreeMap<>();
        compose().path("services").properties().forEach(e -> {
            if (e.getValue().path("command").path(0).asText().equals("detect")) {
                detectors.put(e.getKey(), e.getValue());
            }
        });
        return detectors;
    }

    /** The topics the compose 'topics' service creates: name to the rest of its kafka-topics.sh line. */
    static Map<String, String> composeTopics() {
        String script = String.join("\n", strings(compose().path("services").path("topics").path("command")));
        return Pattern.compile("--topic (\\S+)(.*)").matcher(script).results()
                .collect(Collectors.toMap(r -> r.group(1), r -> r.group(2)));
    }

    /** The value a JSON-patch of an overlay sets at a path of a resource kind. */
    static String patchValue(String overlay, String kind, String path) {
        JsonNode kustomization = yaml(file(overlay).resolve("kustomization.yaml")).get(0);
        for (JsonNode p : kustomization.path("patches")) {
            if (p.path("target").path("kind").asText().equals(kind)) {
                for (JsonNode op : yamlText(p.path("patch").asText()).get(0)) {
                    if (op.path("path").asText().equals(path)) {
                        return op.path("value").asText();
                    }
                }
            }
        }
        throw new AssertionError("no patch of " + kind + " " + path + " in " + overlay);
    }

    static int partitions(String kafkaTopicsArgs) {
        return Integer.parseInt(match(kafkaTopicsArgs, "--partitions (\\d+)"));
    }

    static Instruction instruction(String keyword) {
        return dockerfile().stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b).orElseThrow();
    }

    static Instruction instruction(String keyword, int stage) {
        return dockerfile().stream().filter(i -> i.keyword().equals(keyword) && i.stage() == stage)
                .reduce((a, b) -> b).orElseThrow();
    }

    /** The ENV settings of the runtime stage. */
    static Map<String, String> dockerfileEnv() {
        Map<String, String> env = new TreeMap<>();
        dockerfile().stream().filter(i -> i.keyword().equals("ENV") && i.stage() == 1)
                .flatMap(i -> Arrays.stream(i.arguments().split(" ")))
                .forEach(kv -> env.put(kv.split("=", 2)[0], kv.split("=", 2)[1]));
        return env;
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("/%s/ in the text", regex).isTrue();
        return m.group(1);
    }

    static List<String> withoutQuiet(String command) {
        return Arrays.stream(command.strip().split("\\s+")).filter(t -> !t.equals("-q")).toList();
    }

    static String mainSources() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(file("src/main"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
