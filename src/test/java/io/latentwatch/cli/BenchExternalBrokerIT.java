package io.latentwatch.cli;

import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.testing.CliRun;
import io.latentwatch.testing.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench --bootstrap-servers}: a run leaves nothing behind on the user's broker unless told to. */
class BenchExternalBrokerIT {
    @TempDir
    Path dir;

    @Test
    void shouldDeleteItsTopicsAndGroupsFromAnExternalBrokerUnlessToldToKeepThem() throws Exception {
        // Given a broker of the user's and a small model file
        Path model = dir.resolve("m.onnx");
        Files.write(model, TestModels.blackIsNormal("bench-external-it", 0.5));
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // When bench runs on it with --keep-topics
            CliRun kept = CliRun.of("bench", "--model", model.toString(), "--images", "200",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--compare-commit-intervals", "none",
                    "--keep-topics");

            // Then its topics (input, outputs, the detector's changelog) and groups stay
            assertThat(kept.exitCode()).as(kept.err()).isZero();
            List<String> keptNames = benchNames(admin);
            assertThat(keptNames).anyMatch(n -> n.endsWith("-images")).anyMatch(n -> n.endsWith("-embeddings"))
                    .anyMatch(n -> n.endsWith("-detector"));

            // When it runs again without the flag, comparing a second commit interval (a second set of topics)
            CliRun deleted = CliRun.of("bench", "--model", model.toString(), "--images", "200",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--compare-commit-intervals", "50");

            // Then only the first run's topics and groups are left (bench says what it deleted on standard error)
            assertThat(deleted.exitCode()).as(deleted.err()).isZero();
            assertThat(benchNames(admin)).containsExactlyInAnyOrderElementsOf(keptNames);
        }
    }

    /** Topics and consumer groups whose names start with bench's prefix. */
    private static List<String> benchNames(Admin admin) throws Exception {
        Stream<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream();
        Stream<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId);
        return Stream.concat(topics, groups).filter(n -> n.startsWith("bench-")).sorted().toList();
    }
}
