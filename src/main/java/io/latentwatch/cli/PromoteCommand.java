package io.latentwatch.cli;

import io.latentwatch.config.Topics;
import io.latentwatch.kafka.KafkaConnection;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.modeltopic.ModelTopic;
import io.latentwatch.modeltopic.Promotion;
import io.latentwatch.stream.ChallengerEvidence;
import io.latentwatch.stream.PromotionRule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code latentwatch promote}: makes the challenger of a model its serving model. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Makes the challenger of a model the serving model (docs/training.md).",
                "",
                "Reads the current challenger of --model-name (key NAME#challenger on the",
                "models topic), republishes its bytes and signature headers under NAME, so",
                "that every detector swaps to it with no record lost, then writes a",
                "tombstone under NAME#challenger: the challenger field leaves the outputs.",
                "",
                "With a rule (--min-records, --min-agreement, --flag-rate), it first reads",
                "the challenger's verdicts from the embedding topic and promotes only when",
                "the rule holds; --every keeps judging until it does.",
                "",
                "Exit 0 when promoted, 3 when the rule is not met (nothing written), 2 when",
                "NAME has no challenger or a flag is wrong, 1 when Kafka cannot be reached."})
public final class PromoteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Required: the model whose challenger is promoted (the key detectors follow with"
                    + " --model-name).")
    String modelName;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Option(names = "--model-topic", defaultValue = Topics.DEFAULT_MODELS, paramLabel = "TOPIC",
            description = "The compacted topic of models (default: ${DEFAULT-VALUE}).")
    String modelTopic;

    @Option(names = "--min-records", paramLabel = "N",
            description = "Rule: promote only once the challenger has scored at least N records in the shadow, read"
                    + " from --embedding-topic (default with any rule flag: " + DEFAULT_MIN_RECORDS + ").")
    Long minRecords;

    @Option(names = "--min-agreement", paramLabel = "SHARE",
            description = "Rule: promote only when the challenger makes the serving model's call (flag or not) on at"
                    + " least this share of those records, e.g. 0.98.")
    Double minAgreement;

    @Option(names = "--flag-rate", paramLabel = "LOW..HIGH",
            description = "Rule: promote only when the challenger flags a share of those records in this band,"
                    + " e.g. 0.005..0.05.")
    String flagRate;

    @Option(names = "--embedding-topic", defaultValue = Topics.DEFAULT_EMBEDDINGS, paramLabel = "TOPIC",
            description = "With a rule: the detectors' embedding topic, where the challenger's verdicts are read"
                    + " (default: ${DEFAULT-VALUE}).")
    String embeddingTopic;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "With a rule: judge again on this ISO-8601 period (e.g. PT5M) until the challenger is"
                    + " promoted, instead of exiting 3.")
    String every;

    /** Records a rule needs when only --min-agreement or --flag-rate is given. */
    static final long DEFAULT_MIN_RECORDS = 1000;
    /** Exit code when a rule is not met (nothing was written). */
    static final int NOT_MET = 3;

    @Override
    public Integer call() throws InterruptedException {
        CommandLine cl = spec.commandLine();
        if (modelName == null) {
            throw new CommandLine.ParameterException(cl, "--model-name NAME is required: the model whose challenger"
                    + " is promoted");
        }
        if (modelName.isBlank() || ModelTopic.isChallengerKey(modelName)) {
            throw new CommandLine.ParameterException(cl, "--model-name '" + modelName + "': give the name of the"
                    + " serving model, without " + ModelTopic.CHALLENGER_SUFFIX);
        }
        PromotionRule rule = rule(cl);
        Duration period = period(cl);
        Map<String, Object> props = connection.clientProperties();
        KafkaConnection.check(props, Duration.ofSeconds(30));
        ModelTopic models = new ModelTopic(props, modelTopic);
        String judged = null;
        while (rule != null) {
            ModelTopic.Publication challenger = Promotion.challenger(models, modelName);
            ChallengerEvidence.Figures figures = ChallengerEvidence.read(props, embeddingTopic,
                    Promotion.versionOf(challenger.onnx()), rule.minRecords(), Duration.ofSeconds(60));
            List<String> unmet = rule.unmet(figures);
            cl.getErr().println(figures.describe() + (unmet.isEmpty() ? "; the rule is met"
                    : "; not promoted: " + String.join("; ", unmet)));
            cl.getErr().flush();
            if (unmet.isEmpty()) {
                judged = OnnxAutoencoder.sha256(challenger.onnx());
                break;
            }
            if (period == null) {
                return NOT_MET;
            }
            Thread.sleep(period.toMillis());
        }
        Promotion.Result result = Promotion.promote(models, modelName, judged);
        cl.getOut().println(result.describe());
        cl.getOut().flush();
        return 0;
    }

    /** The rule the flags give; null when none is given (promote at once). */
    private PromotionRule rule(CommandLine cl) {
        if (minRecords == null && minAgreement == null && flagRate == null) {
            if (every != null) {
                throw new CommandLine.ParameterException(cl, "--every needs a rule to wait for: --min-records,"
                        + " --min-agreement or --flag-rate");
            }
            return null;
        }
        try {
            double[] band = flagRate == null ? new double[] {0, 1} : PromotionRule.parseBand(flagRate);
            return new PromotionRule(minRecords == null ? DEFAULT_MIN_RECORDS : minRecords,
                    minAgreement == null ? 0 : minAgreement, band[0], band[1]);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    private Duration period(CommandLine cl) {
        if (every == null) {
            return null;
        }
        try {
            Duration period = Duration.parse(every);
            if (period.isNegative() || period.isZero()) {
                throw new DateTimeParseException("not positive", every, 0);
            }
            return period;
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cl, "--every " + every + " is not a positive ISO-8601 duration;"
                    + " write e.g. PT5M");
        }
    }
}
