package io.latentwatch.metrics;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the {@code prometheus} and {@code promtool} binaries on the PATH (Debian's
 * {@code prometheus} package). In CI ({@code CI} or {@code LATENTWATCH_REQUIRE_PROMETHEUS} set to
 * anything but {@code false}) a missing binary fails the test; on a developer's machine it skips
 * the test with the reason shown. Nothing is installed from here: {@code .ci/run} does that.
 */
final class PrometheusBinaries {
    private PrometheusBinaries() {
    }

    static Path require(String name) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = "'" + name + "' is not on the PATH; install Debian's package with"
                + " 'apt-get install --no-install-recommends prometheus' (.ci/run does this)";
        if (required()) {
            throw new AssertionError(message + ". This run requires it (CI or LATENTWATCH_REQUIRE_PROMETHEUS is set).");
        }
        Assumptions.abort(message + ". Skipped; set LATENTWATCH_REQUIRE_PROMETHEUS=true to make this a failure.");
        throw new IllegalStateException("unreachable");
    }

    private static boolean required() {
        return isSet("CI") || isSet("LATENTWATCH_REQUIRE_PROMETHEUS");
    }

    private static boolean isSet(String variable) {
        String value = System.getenv(variable);
        return value != null && !value.isBlank() && !value.equalsIgnoreCase("false") && !value.equals("0");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
