package io.latentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deployment files of the repository, read the way their tools read them: YAML with anchors
 * and merge keys resolved (SnakeYAML, which Jackson's YAML module brings; Jackson alone keeps
 * {@code <<} as a plain key), the Dockerfile as instructions, kustomize's generated ConfigMaps.
 */
final class DeploymentFiles {
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
}
