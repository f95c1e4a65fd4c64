package io.latentwatch.cli;

import io.latentwatch.kafka.KafkaConnection;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code latentwatch} executable. */
@Command(name = "latentwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Streaming image-anomaly detection on Kafka with ONNX autoencoders.",
        subcommands = {DemoCommand.class, DetectCommand.class, TrainCommand.class, EvaluateCommand.class, ProduceCommand.class,
                BenchCommand.class, BrokerCommand.class, KeygenCommand.class, PromoteCommand.class,
                FaultSuiteCommand.class,
                ExplainCommand.class, GenerateCommand.class, LatentMapCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Every option can also be set by an environment variable: --bootstrap-servers is read from"
                + " LATENTWATCH_BOOTSTRAP_SERVERS, --http-port from LATENTWATCH_HTTP_PORT, and so on.",
                "A flag on the command line wins over the environment."})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (NoClassDefFoundError e) {
            // the detector's runtime (lib-detect, the detector image) has no DJL, broker or Scala classes
            System.err.println("latentwatch: this command needs libraries the detector's runtime leaves out ("
                    + e.getMessage() + "); run it with target/lib (./latentwatch does) or the full image");
            System.exit(1);
        }
    }

    /** Runs a command line and returns its exit code (0 ok, 1 failure, 2 bad usage). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with every sub-command, environment defaults and error handling. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line, reading option defaults from the given environment. */
    static CommandLine commandLine(java.util.Map<String, String> environment) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setDefaultValueProvider(new EnvironmentDefaults(environment));
        // -V answers on every sub-command too, not only on the top level
        cmd.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("latentwatch " + commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().println("Run 'latentwatch " + commandLine.getCommandName()
                        + " --help' for the options.");
                return 2;
            }
            if (e instanceof IllegalStateException) {
                commandLine.getErr().println("latentwatch " + commandLine.getCommandName() + ": " + e.getMessage());
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("failure detail", e);
                return 1;
            }
            if (e instanceof KafkaException) {
                // a Kafka client refused a setting or failed past the start-up check: its message, not its stack
                commandLine.getErr().println("latentwatch " + commandLine.getCommandName() + ": Kafka: "
                        + KafkaConnection.rootMessage(e));
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("failure detail", e);
                return e instanceof ConfigException ? 2 : 1;
            }
            throw e;
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            boolean top = c.getParent() == null;
            if (top && e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                c.getErr().println("latentwatch: unknown command '" + u.getUnmatched().get(0) + "'; the commands are "
                        + String.join(", ", c.getSubcommands().keySet()));
                c.getErr().println("Run 'latentwatch --help' for what each does.");
                return 2;
            }
            c.getErr().println((top ? "latentwatch" : "latentwatch " + c.getCommandName()) + ": " + e.getMessage());
            c.getErr().println("Run 'latentwatch " + (c.getParent() == null ? "" : c.getCommandName() + " ")
                    + "--help' for the options.");
            return 2;
        });
        return cmd;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"latentwatch " + (v == null ? "development build" : v)};
        }
    }
}
