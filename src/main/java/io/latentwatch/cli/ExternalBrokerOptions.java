package io.latentwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --bootstrap-servers} and {@code --kafka-config} for the commands that start a broker of
 * their own unless told to use an external one ({@code bench}, {@code fault-suite}).
 */
final class ExternalBrokerOptions {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "An external broker to run on (default: a broker of the command's own).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client and Streams settings: security (SASL/SSL) for an external"
                    + " broker, or tuning (e.g. linger.ms, max.poll.records) on either.")
    Path kafkaConfig;

    /** The client settings of {@code --kafka-config}, empty when none was given. */
    Map<String, String> properties() {
        return KafkaConfigFile.load(kafkaConfig, mixee.commandLine());
    }
}
