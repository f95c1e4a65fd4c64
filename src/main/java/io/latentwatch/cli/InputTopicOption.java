package io.latentwatch.cli;

import io.latentwatch.config.Topics;
import picocli.CommandLine.Option;

/** {@code --input-topic}: the topic of image events, for the commands that write or read it. */
final class InputTopicOption {
    @Option(names = "--input-topic", defaultValue = Topics.DEFAULT_INPUT, paramLabel = "TOPIC",
            description = "Topic of image events (default: ${DEFAULT-VALUE}).")
    String name;
}
