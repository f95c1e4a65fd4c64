package io.latentwatch.demo;

import io.latentwatch.data.LabelSet;
import io.latentwatch.data.SampleData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoIT {

    @Test
    void shouldRunEveryStepToASummaryAndLeaveNoTemporaryFiles() throws Exception {
        // Given a short demo: 300 images at 150/s, two epochs per model (the producer waits for the challenger)
        List<Path> before = leftovers();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo.Settings settings = new Demo.Settings(SampleData.dir(), LabelSet.parse("5,7,9"), 300, 150, 0.1, 2, 0);

        // When it runs
        new Demo(settings, new PrintStream(buffer, true, StandardCharsets.UTF_8), () -> false, false).run();

        // Then it walks through every step, scores every image, and cleans up after itself
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5] Summary")
                .contains("images scored        300 of 300 sent")
                .contains("confusion matrix")
                .contains("AUROC of the live scores")
                .contains("Stopping");
        // and shows the loop: a challenger trained from the input topic, scored in the shadow, then
        // promoted or held back on its calls in the shadow (which, depends on the two models' calls)
        assertThat(out).containsPattern("challenger \\S+ scored in the shadow from image \\d+ on")
                .containsPattern("challenger +\\S+ trained from the first 75 images on topic 'images', scored in the"
                        + " shadow, (promoted; it served the rest|held back \\(it (flagged|caught) [^)]+\\); the"
                        + " serving model served on)")
                .containsPattern("in the shadow +\\d+ images scored by both models");
        if (out.contains("promoted; it served the rest")) {
            assertThat(out).contains("model switched live");
        } else {
            assertThat(out).doesNotContain("model switched live");
        }
        assertThat(leftovers()).isSubsetOf(before);
    }

    @Test
    void shouldStopCleanlyWhenAskedToStopAtOnce() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo.Settings settings = new Demo.Settings(SampleData.dir(), LabelSet.parse("5,7,9"), 300, 150, 0.1, 2, 0);

        new Demo(settings, new PrintStream(buffer, true, StandardCharsets.UTF_8), () -> true, false).run();

        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("[1/5]").contains("Stopping")
                .doesNotContain("[2/5]");
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("latentwatch-")).toList();
        }
    }
}
