package io.latentwatch.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/**
 * Reads every option's default from the environment: {@code --bootstrap-servers} from
 * {@code LATENTWATCH_BOOTSTRAP_SERVERS}, and so on. A flag on the command line wins over the
 * environment, which wins over the built-in default.
 *
 * <p>Public for {@link #variableFor}: deployment files (compose, Kubernetes) are checked against it.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    /** The environment variable that sets an option, e.g. {@code LATENTWATCH_HTTP_PORT}. */
    public static String variableFor(String longestName) {
        return "LATENTWATCH_" + longestName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
