package io.latentwatch.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Loads a {@code --kafka-config} properties file: any Kafka client or Streams property. */
final class KafkaConfigFile {
    private KafkaConfigFile() {
    }

    static Map<String, String> load(Path file, CommandLine commandLine) {
        Map<String, String> props = new TreeMap<>();
        if (file == null) {
            return props;
        }
        if (!Files.isReadable(file)) {
            throw new CommandLine.ParameterException(commandLine, "--kafka-config " + file
                    + ": no such readable file; give a Java properties file of Kafka client/Streams settings");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "--kafka-config " + file
                    + ": not a readable properties file (" + e.getMessage() + ")");
        }
        properties.stringPropertyNames().forEach(k -> props.put(k, properties.getProperty(k).trim()));
        return props;
    }
}
