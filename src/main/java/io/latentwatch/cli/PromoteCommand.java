package io.latentwatch.cli;

import io.latentwatch.config.Topics;
import io.latentwatch.kafka.KafkaConnection;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.modeltopic.Promotion;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch promote}: makes the challenger of a model its serving model. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Makes the challenger of a model the serving model (docs/training.md).",
                "",
                "Reads the current challenger of --model-name (key NAME#challenger on the models topic),",
                "republishes its bytes and signature headers under NAME, so that every detector swaps to",
                "it with no record lost, then writes a tombstone under NAME#challenger: the challenger",
                "field leaves the outputs. Exit 0 when promoted, 2 when NAME has no challenger or a flag",
                "is wrong, 1 when Kafka cannot be reached."})
public final class PromoteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Required: the model whose challenger is promoted (the key detectors follow with"
                    + " --model-name).")
    String modelName;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--model-topic", defaultValue = Topics.DEFAULT_MODELS, paramLabel = "TOPIC",
            description = "The compacted topic of models (default: ${DEFAULT-VALUE}).")
    String modelTopic;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Properties file of Kafka client settings (security, SASL/SSL, tuning).")
    Path kafkaConfig;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (modelName == null) {
            throw new CommandLine.ParameterException(cl, "--model-name NAME is required: the model whose challenger"
                    + " is promoted");
        }
        if (modelName.isBlank() || ModelTopic.isChallengerKey(modelName)) {
            throw new CommandLine.ParameterException(cl, "--model-name '" + modelName + "': give the name of the"
                    + " serving model, without " + ModelTopic.CHALLENGER_SUFFIX);
        }
        Map<String, Object> props = new HashMap<>(KafkaConfigFile.load(kafkaConfig, cl));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        KafkaConnection.check(props, Duration.ofSeconds(30));
        Promotion.Result result = Promotion.promote(new ModelTopic(props, modelTopic), modelName);
        cl.getOut().println(result.describe());
        cl.getOut().flush();
        return 0;
    }
}
