package io.latentwatch.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class StaleStateDirsTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRemoveTheStateDirectoriesOfDetectorsThatAreGoneAndKeepTheLiveOnes() throws Exception {
        // Given the state directory of a killed detector (its pid is no process), a running one's
        // (this JVM), an old one without owner file and a fresh one being set up, and someone else's
        Path killed = Files.createDirectory(tmp.resolve("latentwatch-streams-111"));
        Files.writeString(killed.resolve("latentwatch-owner.pid"), Long.toString(Long.MAX_VALUE - 1));
        Files.createDirectories(killed.resolve("app/0_0"));
        Path running = Files.createDirectory(tmp.resolve("latentwatch-streams-222"));
        Files.writeString(running.resolve("latentwatch-owner.pid"), Long.toString(ProcessHandle.current().pid()));
        Path old = Files.createDirectory(tmp.resolve("latentwatch-streams-333"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.createDirectory(tmp.resolve("latentwatch-streams-444"));
        Path other = Files.createDirectory(tmp.resolve("something-else"));

        // When a detector starts
        Detector.removeStaleStateDirs(tmp);

        // Then only the dead ones are gone
        assertThat(killed).doesNotExist();
        assertThat(old).doesNotExist();
        assertThat(running).exists();
        assertThat(fresh).exists();
        assertThat(other).exists();
    }
}
