package io.latentwatch.cli;

import io.latentwatch.config.Connection;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --bootstrap-servers} and {@code --kafka-config}, the same on every command that talks to
 * a Kafka cluster ({@code detect}, {@code produce}, {@code train}, {@code evaluate}).
 */
final class ConnectionOptions {
    /** Default of {@code --bootstrap-servers}. */
    static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--bootstrap-servers", defaultValue = DEFAULT_BOOTSTRAP_SERVERS, paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security, SASL/SSL, tuning); see"
                    + " docs/deployment.md.")
    Path kafkaConfig;

    /** The connection; a missing or unreadable {@code --kafka-config} is a usage error naming the flag. */
    Connection connection() {
        try {
            return new Connection(bootstrapServers, KafkaConfigFile.load(kafkaConfig, mixee.commandLine()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage(), e);
        }
    }

    /** The properties a Kafka client of this command is created with. */
    Map<String, Object> clientProperties() {
        return connection().clientProperties();
    }
}
