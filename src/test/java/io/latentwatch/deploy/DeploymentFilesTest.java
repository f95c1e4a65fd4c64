package io.latentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentwatch.config.Topics;
import io.latentwatch.data.SampleData;
import io.latentwatch.deploy.DeploymentFiles.Instruction;
import io.latentwatch.deploy.LatentwatchCli.Run;
import io.latentwatch.metrics.HttpEndpoint;
import io.latentwatch.modeltopic.ModelTopic;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.latentwatch.deploy.DeploymentFiles.BASE;
import static io.latentwatch.deploy.DeploymentFiles.OVERLAY;
import static io.latentwatch.deploy.DeploymentFiles.all;
import static io.latentwatch.deploy.DeploymentFiles.compose;
import static io.latentwatch.deploy.DeploymentFiles.composeDetectors;
import static io.latentwatch.deploy.DeploymentFiles.composeTopics;
import static io.latentwatch.deploy.DeploymentFiles.detectorDeployment;
import static io.latentwatch.deploy.DeploymentFiles.dockerfile;
import static io.latentwatch.deploy.DeploymentFiles.dockerfileEnv;
import static io.latentwatch.deploy.DeploymentFiles.instruction;
import static io.latentwatch.deploy.DeploymentFiles.mainSources;
import static io.latentwatch.deploy.DeploymentFiles.match;
import static io.latentwatch.deploy.DeploymentFiles.one;
import static io.latentwatch.deploy.DeploymentFiles.partitions;
import static io.latentwatch.deploy.DeploymentFiles.patchValue;
import static io.latentwatch.deploy.DeploymentFiles.podSpec;
import static io.latentwatch.deploy.DeploymentFiles.read;
import static io.latentwatch.deploy.DeploymentFiles.runs;
import static io.latentwatch.deploy.DeploymentFiles.scaledObject;
import static io.latentwatch.deploy.DeploymentFiles.strings;
import static io.latentwatch.deploy.DeploymentFiles.withoutQuiet;
import static io.latentwatch.deploy.DeploymentFiles.workloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The container image, docker-compose.yml and the Kubernetes manifests against the code: every
 * flag, variable, topic, port, path and image they name exists and agrees. Needs no Docker engine;
 * {@link DeploymentToolsTest} runs the real tools where they are installed.
 */
class DeploymentFilesTest {
    /** LATENTWATCH_* variables that are not flags: read by the code directly (SampleData, OnnxNatives, logback). */
    static final Set<String> NON_OPTION_VARIABLES = Set.of("LATENTWATCH_HOME", "LATENTWATCH_CACHE_DIR",
            "LATENTWATCH_LOG_LEVEL");

    @Test
    void shouldParseEveryComposeAndKubernetesFileAndTheDockerfile() {
        for (Path file : DeploymentFiles.yamlFiles()) {
            List<JsonNode> docs = DeploymentFiles.yaml(file);
            assertThat(docs).as("%s", file).isNotEmpty();
            // kustomizeconfig.yaml is kustomize's own transformer configuration, not a resource
            if (file.toString().contains("/deploy/k8s/") && !file.endsWith("kustomizeconfig.yaml")) {
                assertThat(docs).as("%s", file).allSatisfy(doc -> {
                    assertThat(doc.path("apiVersion").asText()).as("apiVersion in %s", file).isNotEmpty();
                    assertThat(doc.path("kind").asText()).as("kind in %s", file).isNotEmpty();
                    if (!doc.path("kind").asText().matches("Kustomization|Component")) {
                        assertThat(doc.path("metadata").path("name").asText()).as("name in %s", file).isNotEmpty();
                    }
                });
            }
        }
        List<Instruction> dockerfile = dockerfile();
        assertThat(dockerfile.get(0).keyword()).isEqualTo("FROM");
        // build, the shared runtime, the detector image, the full image
        assertThat(dockerfile.stream().filter(i -> i.keyword().equals("FROM"))).hasSize(4);
    }

    @Test
    void shouldRunEveryCommandWithFlagsAndVariablesTheCliDefines() {
        List<Run> runs = runs();
        assertThat(runs.stream().filter(r -> r.where().startsWith("compose")).map(Run::command))
                .contains("detect", "train", "produce");
        assertThat(runs.stream().filter(r -> r.where().startsWith("k8s")).map(Run::command))
                .contains("detect", "train");
        for (Run run : runs) {
            assertThatCode(() -> LatentwatchCli.parse(run, NON_OPTION_VARIABLES)).as("%s: %s %s", run.where(),
                    run.args(), run.latentwatchEnv()).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldOnlyNameVariablesThatTheCodeReads() throws Exception {
        String code = mainSources();
        Set<String> used = new TreeSet<>();
        runs().forEach(r -> used.addAll(r.latentwatchEnv().keySet()));
        used.addAll(dockerfileEnv().keySet().stream().filter(k -> k.startsWith("LATENTWATCH_")).toList());
        assertThat(used).isNotEmpty().allSatisfy(var -> assertThat(LatentwatchCli.isOptionVariable(var)
                || NON_OPTION_VARIABLES.contains(var) && code.contains("\"" + var + "\"")
                || NON_OPTION_VARIABLES.contains(var) && code.contains("${" + var + ":-"))
                .as("%s is a flag's variable or read by src/main", var).isTrue());
    }

    @Test
    void shouldUseOnlyTheTopicsOfTheTopicRegistry() {
        Set<String> defaults = Set.of(Topics.DEFAULTS.input(), Topics.DEFAULTS.anomalies(), Topics.DEFAULTS.embeddings(),
                Topics.DEFAULTS.deadLetter(), Topics.DEFAULTS.models());
        for (Run run : runs()) {
            assertThat(LatentwatchCli.topics(LatentwatchCli.parse(run, NON_OPTION_VARIABLES)))
                    .as("topics of %s", run.where()).isSubsetOf(defaults);
        }

        // compose: the topics service creates exactly the registry's topics, the models topic compacted
        Map<String, String> created = composeTopics();
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(defaults);
        assertThat(created.get(Topics.DEFAULT_MODELS)).contains("--config cleanup.policy=compact")
                .contains("--config max.message.bytes=" + ModelTopic.MAX_BYTES);
        assertThat(partitions(created.get(Topics.DEFAULT_INPUT))).as("input partitions >= detectors")
                .isGreaterThanOrEqualTo(composeDetectors().size());

        // Kubernetes: the Strimzi topics are exactly the registry's, the models topic compacted
        List<JsonNode> topics = all(DeploymentFiles.resources(BASE), "KafkaTopic");
        assertThat(topics).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyInAnyOrderElementsOf(defaults);
        JsonNode models = topics.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals(Topics.DEFAULT_MODELS)).findFirst().orElseThrow().path("spec").path("config");
        assertThat(models.path("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(models.path("max.message.bytes").asText()).isEqualTo(String.valueOf(ModelTopic.MAX_BYTES));
        JsonNode trigger = scaledObject().path("spec").path("triggers").get(0).path("metadata");
        assertThat(trigger.path("topic").asText()).isEqualTo(Topics.DEFAULT_INPUT);
    }

    @Test
    void shouldBoundTheDetectorsByTheInputPartitions() {
        JsonNode input = all(DeploymentFiles.resources(BASE), "KafkaTopic").stream()
                .filter(t -> t.path("spec").path("topicName").asText().equals(Topics.DEFAULT_INPUT)).findFirst().orElseThrow();
        int partitions = input.path("spec").path("partitions").asInt();
        JsonNode hpa = DeploymentFiles.yaml(DeploymentFiles.file("deploy/k8s/components/hpa/detector-hpa.yaml")).get(0);
        assertThat(scaledObject().path("spec").path("maxReplicaCount").asInt()).isEqualTo(partitions);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(partitions);
        assertThat(partitions(composeTopics().get(Topics.DEFAULT_INPUT))).isEqualTo(partitions);
    }

    @Test
    void shouldLetKedaWatchTheGroupTopicAndClusterOfTheDetectors() {
        Map<String, String> env = new TreeMap<>();
        DeploymentFiles.configMapLiterals(BASE).values().forEach(env::putAll);
        JsonNode trigger = scaledObject().path("spec").path("triggers").get(0).path("metadata");
        assertThat(trigger.path("consumerGroup").asText()).isEqualTo(env.get("LATENTWATCH_APPLICATION_ID"));
        assertThat(trigger.path("topic").asText()).isEqualTo(env.get("LATENTWATCH_INPUT_TOPIC"));
        assertThat(trigger.path("bootstrapServers").asText()).isEqualTo(env.get("LATENTWATCH_BOOTSTRAP_SERVERS"));
        assertThat(scaledObject().path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(detectorDeployment().path("metadata").path("name").asText());

        // the example overlay moves both to the same cluster
        Map<String, String> overlayEnv = new TreeMap<>();
        DeploymentFiles.configMapLiterals(OVERLAY).values().forEach(overlayEnv::putAll);
        assertThat(patchValue(OVERLAY, "ScaledObject", "/spec/triggers/0/metadata/bootstrapServers"))
                .isEqualTo(overlayEnv.get("LATENTWATCH_BOOTSTRAP_SERVERS"));
    }

    @Test
    void shouldKeepKedaAndTheHpaAlternativeApart() {
        List<JsonNode> base = DeploymentFiles.resources(BASE);
        assertThat(all(base, "ScaledObject")).hasSize(1);
        assertThat(all(base, "HorizontalPodAutoscaler")).isEmpty();
        JsonNode component = DeploymentFiles.yaml(DeploymentFiles.file("deploy/k8s/components/hpa/kustomization.yaml"))
                .get(0);
        assertThat(component.path("kind").asText()).isEqualTo("Component");
        assertThat(strings(component.path("resources"))).containsExactly("detector-hpa.yaml");
        Set<String> deleted = new TreeSet<>();
        component.path("patches").forEach(p -> {
            JsonNode patch = DeploymentFiles.yamlText(p.path("patch").asText()).get(0);
            if (patch.path("$patch").asText().equals("delete")) {
                deleted.add(patch.path("kind").asText() + "/" + patch.path("metadata").path("name").asText());
            }
        });
        assertThat(deleted).contains("ScaledObject/" + scaledObject().path("metadata").path("name").asText());
        JsonNode hpa = DeploymentFiles.yaml(DeploymentFiles.file("deploy/k8s/components/hpa/detector-hpa.yaml")).get(0);
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(detectorDeployment().path("metadata").path("name").asText());
    }

    @Test
    void shouldServeEveryHttpPathTheFilesProbe() throws Exception {
        Set<String> paths = new TreeSet<>();
        JsonNode container = podSpec(detectorDeployment()).path("containers").get(0);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            paths.add(container.path(probe).path("httpGet").path("path").asText());
        }
        all(DeploymentFiles.resources(BASE), "ServiceMonitor")
                .forEach(m -> m.path("spec").path("endpoints").forEach(e -> paths.add(e.path("path").asText())));
        DeploymentFiles.yaml(DeploymentFiles.file("deploy/compose/prometheus.yml")).get(0).path("scrape_configs")
                .forEach(c -> paths.add(c.path("metrics_path").asText("/metrics")));
        paths.add(instruction("HEALTHCHECK").arguments().replaceAll(".*\"(/[^\"]+)\".*", "$1"));
        assertThat(paths).contains("/metrics", "/health/live", "/health/ready");

        try (HttpEndpoint http = HttpEndpoint.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> new HttpEndpoint.Health(true, "{}"), () -> "{}")) {
            HttpClient client = HttpClient.newHttpClient();
            for (String path : paths) {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + path)).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
            }
        }
    }

    @Test
    void shouldUseTheDetectorsHttpPortEverywhere() {
        String port = LatentwatchCli.defaultValue("detect", "--http-port");
        assertThat(instruction("EXPOSE").arguments()).isEqualTo(port);

        // compose: each detector's port mapping and Prometheus' targets reach its --http-port
        Map<String, JsonNode> detectors = composeDetectors();
        assertThat(detectors).hasSize(2);
        Set<String> targets = new TreeSet<>();
        detectors.forEach((name, service) -> {
            String httpPort = service.path("environment").path("LATENTWATCH_HTTP_PORT").asText(port);
            assertThat(strings(service.path("ports"))).as(name).anyMatch(p -> p.endsWith(":" + httpPort));
            targets.add(name + ":" + httpPort);
        });
        JsonNode scrape = DeploymentFiles.yaml(DeploymentFiles.file("deploy/compose/prometheus.yml")).get(0)
                .path("scrape_configs");
        Set<String> scraped = new TreeSet<>();
        scrape.forEach(c -> c.path("static_configs").forEach(s -> scraped.addAll(strings(s.path("targets")))));
        assertThat(scraped).containsAll(targets);

        // Kubernetes: the named port 'http' is the --http-port of the ConfigMap, used by probes and scrapes
        JsonNode container = podSpec(detectorDeployment()).path("containers").get(0);
        Map<String, String> env = DeploymentFiles.configMapLiterals(BASE).get("latentwatch-detector");
        assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(container.path("ports").get(0).path("containerPort").asText())
                .isEqualTo(env.getOrDefault("LATENTWATCH_HTTP_PORT", port));
        List<JsonNode> base = DeploymentFiles.resources(BASE);
        assertThat(one(base, "Service", "latentwatch-detector").path("spec").path("ports").get(0).path("targetPort")
                .asText()).isEqualTo("http");
        assertThat(one(base, "ServiceMonitor", "latentwatch-detector").path("spec").path("endpoints").get(0)
                .path("port").asText()).isEqualTo("http");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http");
        }
    }

    @Test
    void shouldShareOneApplicationIdAmongTheComposeDetectors() {
        Set<String> ids = new TreeSet<>();
        for (Run run : runs()) {
            if (run.where().startsWith("compose") && run.command().equals("detect")) {
                ids.add(String.valueOf((Object) LatentwatchCli.parse(run, NON_OPTION_VARIABLES)
                        .matchedOptionValue("--application-id", LatentwatchCli.defaultValue("detect", "--application-id"))));
            }
        }
        assertThat(ids).hasSize(1);
    }

    @Test
    void shouldRunTheSameKafkaImageAsTheContainerTests() {
        Matcher m = Pattern.compile("KAFKA_IMAGE = \"([^\"]+)\"")
                .matcher(read("src/test/java/io/latentwatch/stream/ContainerKafkaDetectorIT.java"));
        assertThat(m.find()).isTrue();
        JsonNode services = compose().path("services");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo(m.group(1)).startsWith("apache/kafka:");
        assertThat(services.path("topics").path("image").asText()).isEqualTo(m.group(1));
    }

    @Test
    void shouldBuildAndRunTheImageAsTheReadmeAndTheLauncherDo() {
        String launcher = read("latentwatch");
        String readme = read("README.md");
        List<String> launcherBuild = withoutQuiet(match(launcher, "\\((?:cd [^&]+&& )?(mvn [^)]+)\\)"));
        List<String> readmeBuild = withoutQuiet(match(readme, "`(mvn -B[^`]*package)`"));
        List<String> imageBuild = withoutQuiet(dockerfile().stream()
                .filter(i -> i.keyword().equals("RUN") && i.arguments().contains(" package")).findFirst()
                .orElseThrow().arguments());
        assertThat(imageBuild).isEqualTo(launcherBuild).isEqualTo(readmeBuild);

        // the same java invocation: system properties, classpath of the thin jar + lib/, main class
        List<String> entrypoint = instruction("ENTRYPOINT").execForm();
        String home = dockerfileEnv().get("LATENTWATCH_HOME");
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "-Dai.djl.offline=true", "-Dlatentwatch.home=" + home);
        assertThat(launcher).contains("-Dai.djl.offline=true").contains("-Dlatentwatch.home=")
                .contains("io.latentwatch.cli.Main");
        String readmeJava = match(readme, "`(java [^`]*io\\.latentwatch\\.cli\\.Main)`");
        assertThat(Arrays.asList(readmeJava.split(" "))).containsSubsequence(entrypoint.stream()
                .filter(a -> !a.startsWith("-XX:")).toList());
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo("io.latentwatch.cli.Main");
        assertThat(entrypoint.get(entrypoint.indexOf("-cp") + 1)).isEqualTo(home + "/latentwatch.jar:" + home + "/lib/*");

        // what the launcher's classpath names is what the image copies to that classpath
        assertThat(instruction("WORKDIR", 1).arguments()).isEqualTo(home);
        List<String> copies = dockerfile().stream().filter(i -> i.keyword().equals("COPY") && i.stage() == 1)
                .map(Instruction::arguments).toList();
        assertThat(copies).contains("--from=build /build/target/latentwatch.jar ./latentwatch.jar",
                SampleData.RELATIVE_PATH + "/ ./" + SampleData.RELATIVE_PATH + "/");
        assertThat(launcher).contains("target/latentwatch.jar").contains("target/lib\"").contains("target/lib-detect\"");
    }

    @Test
    void shouldBuildTheFullImageByDefaultAndTheDetectorImageFromTheDetectorsRuntime() {
        // Given the stages after the shared runtime stage
        List<Instruction> froms = dockerfile().stream().filter(i -> i.keyword().equals("FROM")).toList();

        // Then the last stage (what a plain 'docker build' and compose build) has every library as lib/,
        // and the detector stage only the detector's runtime, on the same classpath
        assertThat(froms.get(froms.size() - 1).arguments()).isEqualTo("runtime AS full");
        assertThat(froms).extracting(Instruction::arguments).contains("runtime AS detector");
        assertThat(stageCopies(froms.size() - 1)).containsExactly("--from=build /build/target/lib/ ./lib/");
        int detector = froms.stream().filter(i -> i.arguments().equals("runtime AS detector")).findFirst()
                .orElseThrow().stage();
        assertThat(stageCopies(detector)).containsExactly("--from=build /build/target/lib-detect/ ./lib/");
    }

    private static List<String> stageCopies(int stage) {
        return dockerfile().stream().filter(i -> i.keyword().equals("COPY") && i.stage() == stage)
                .map(Instruction::arguments).toList();
    }

    @Test
    void shouldRunAsTheNonRootUserTheManifestsExpect() {
        String user = instruction("USER").arguments();
        String uid = dockerfile().stream().filter(i -> i.keyword().equals("ARG") && i.arguments().startsWith("APP_UID="))
                .findFirst().orElseThrow().arguments().substring("APP_UID=".length());
        assertThat(user).isEqualTo("${APP_UID}:${APP_UID}");
        assertThat(Integer.parseInt(uid)).isPositive();
        for (JsonNode workload : workloads()) {
            assertThat(podSpec(workload).path("securityContext").path("runAsUser").asText()).isEqualTo(uid);
            assertThat(podSpec(workload).path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        }
    }

    @Test
    void shouldGiveTheNativeCachesAWritablePlace() {
        Map<String, String> env = dockerfileEnv();
        List<String> caches = List.of(env.get("DJL_CACHE_DIR"), env.get("LATENTWATCH_CACHE_DIR"));
        assertThat(caches).doesNotContainNull();
        // read-only root file system in Kubernetes: an emptyDir above both caches
        for (JsonNode workload : workloads()) {
            JsonNode container = podSpec(workload).path("containers").get(0);
            assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
            List<String> mounts = new ArrayList<>();
            container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
            assertThat(caches).allSatisfy(cache -> assertThat(mounts).anyMatch(m -> cache.startsWith(m + "/")));
            assertThat(mounts).contains("/tmp");
        }
        // compose: the trainers keep DJL's unpacked natives in a volume
        for (String trainer : List.of("trainer-init", "trainer")) {
            assertThat(strings(compose().path("services").path(trainer).path("volumes")))
                    .anyMatch(v -> caches.get(0).startsWith(v.split(":")[1] + "/"));
        }
    }

    @Test
    void shouldMountTheKafkaConfigFileWhereTheVariablePoints() throws Exception {
        String file = DeploymentFiles.configMapLiterals(BASE).get("latentwatch-kafka").get("LATENTWATCH_KAFKA_CONFIG");
        Path path = Path.of(file);
        Set<String> secrets = new TreeSet<>();
        for (JsonNode workload : workloads()) {
            JsonNode pod = podSpec(workload);
            JsonNode mount = null;
            for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) {
                if (m.path("mountPath").asText().equals(path.getParent().toString())) {
                    mount = m;
                }
            }
            assertThat(mount).as("mount of %s in %s", file, workload.path("metadata").path("name")).isNotNull();
            String volumeName = mount.path("name").asText();
            JsonNode volume = null;
            for (JsonNode v : pod.path("volumes")) {
                if (v.path("name").asText().equals(volumeName)) {
                    volume = v;
                }
            }
            assertThat(volume).isNotNull();
            assertThat(volume.path("secret").path("items").get(0).path("path").asText())
                    .isEqualTo(path.getFileName().toString());
            secrets.add(volume.path("secret").path("secretName").asText());
        }
        assertThat(secrets).hasSize(1);

        // the example overlay generates that Secret with the keys the pods and KEDA read
        JsonNode generator = DeploymentFiles.yaml(DeploymentFiles.file(OVERLAY + "/kustomization.yaml")).get(0)
                .path("secretGenerator").get(0);
        assertThat(generator.path("name").asText()).isEqualTo(secrets.iterator().next());
        Set<String> keys = new TreeSet<>();
        generator.path("files").forEach(f -> keys.add(f.asText().split("=")[0]));
        generator.path("literals").forEach(l -> keys.add(l.asText().split("=")[0]));
        Set<String> kedaKeys = new TreeSet<>();
        one(DeploymentFiles.resources(BASE), "TriggerAuthentication", "latentwatch-kafka").path("spec")
                .path("secretTargetRef").forEach(r -> {
                    kedaKeys.add(r.path("key").asText());
                    assertThat(r.path("name").asText()).isEqualTo(secrets.iterator().next());
                });
        assertThat(keys).contains("client.properties").containsAll(kedaKeys);
        java.util.Properties props = new java.util.Properties();
        try (var in = Files.newBufferedReader(DeploymentFiles.file(OVERLAY + "/kafka-client.properties"))) {
            props.load(in);
        }
        assertThat(props).containsEntry("security.protocol", "SASL_SSL").containsKey("sasl.jaas.config");
    }

    @Test
    void shouldScrapeAndProvisionWhatTheDashboardsAndAlertsExpect() {
        // Given the scrape job the dashboards and alert rules select on
        String job = "latentwatch";
        assertThat(DeploymentFiles.read("deploy/prometheus/alerts.yml")).contains("up{job=\"" + job + "\"}");
        assertThat(DeploymentFiles.read("grafana/dashboards/latentwatch-overview.json"))
                .contains("up{job=\\\"" + job + "\\\"");

        // Then compose's Prometheus scrapes the detectors under that job
        assertThat(DeploymentFiles.yaml(DeploymentFiles.file("deploy/compose/prometheus.yml")).get(0)
                .path("scrape_configs")).anySatisfy(c -> assertThat(c.path("job_name").asText()).isEqualTo(job));
        // and the operator's ServiceMonitor names the job after the Service label whose value it is
        JsonNode monitor = one(DeploymentFiles.resources(BASE), "ServiceMonitor", "latentwatch-detector");
        String jobLabel = monitor.path("spec").path("jobLabel").asText();
        assertThat(one(DeploymentFiles.resources(BASE), "Service", "latentwatch-detector").path("metadata").path("labels")
                .path(jobLabel).asText()).isEqualTo(job);

        // and Grafana finds the dashboards where its provider looks for them
        String providerPath = DeploymentFiles.yaml(DeploymentFiles.file("grafana/provisioning/dashboards/latentwatch.yml"))
                .get(0).path("providers").get(0).path("options").path("path").asText();
        assertThat(strings(compose().path("services").path("grafana").path("volumes")))
                .contains("./grafana/dashboards:" + providerPath + ":ro");
    }

    @Test
    void shouldBindMountFilesThatExist() {
        compose().path("services").forEach(service -> strings(service.path("volumes")).stream()
                .filter(v -> v.startsWith("./")).map(v -> v.split(":")[0])
                .forEach(v -> assertThat(DeploymentFiles.file(v.substring(2))).as("bind mount %s", v).exists()));
    }

    @Test
    void shouldSendEveryFileTheDockerfileCopiesToTheBuild() {
        List<String> included = Arrays.stream(read(".dockerignore").split("\n")).map(String::strip)
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1).replaceAll("/$", "")).toList();
        dockerfile().stream().filter(i -> i.keyword().equals("COPY") && !i.arguments().startsWith("--from"))
                .map(i -> i.arguments().split(" ")[0].replaceAll("/$", ""))
                .forEach(source -> assertThat(included).as("%s in .dockerignore", source)
                        .anyMatch(inc -> source.equals(inc) || source.startsWith(inc + "/")));
    }
}
