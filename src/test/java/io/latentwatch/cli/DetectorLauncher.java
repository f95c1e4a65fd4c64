package io.latentwatch.cli;

import io.latentwatch.stream.Detector;
import picocli.CommandLine;

import java.util.Map;

/** Starts a detector in the test's JVM from a {@code detect} command line, as the command builds it. */
public final class DetectorLauncher {
    private DetectorLauncher() {
    }

    /**
     * Parses {@code detect} and its flags (no environment defaults) and starts the detector with
     * the configuration and drift publishing the command would run with; the caller closes it.
     */
    public static Detector start(String... detectArgs) {
        CommandLine.ParseResult parsed = Main.commandLine(Map.of()).parseArgs(detectArgs);
        DetectCommand detect = (DetectCommand) parsed.subcommand().commandSpec().userObject();
        return Detector.start(detect.config());
    }
}
