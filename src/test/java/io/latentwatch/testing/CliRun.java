package io.latentwatch.testing;

import io.latentwatch.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A latentwatch command line run in the test's JVM, as a user runs it: its exit code and what it
 * wrote on standard output and standard error.
 */
public record CliRun(int exitCode, String out, String err) {
    /** Runs {@code args} (the command first) with the environment defaults the process has. */
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
