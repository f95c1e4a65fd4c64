package io.latentwatch.deploy;

import io.latentwatch.cli.EnvironmentDefaults;
import io.latentwatch.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line as {@link Main#commandLine()} defines it, for checking deployment files: which
 * sub-commands and options exist, which environment variable sets which option, and whether a
 * command line with its environment parses.
 */
final class LatentwatchCli {
    /** The paramLabel of every option whose value is a topic name. */
    static final String TOPIC_LABEL = "TOPIC";

    private LatentwatchCli() {
    }

    /** One run of latentwatch in a deployment file: where, its arguments and its environment. */
    record Run(String where, List<String> args, Map<String, String> env) {
        String command() {
            return args.isEmpty() ? "" : args.get(0);
        }

        /** The LATENTWATCH_* variables of the environment. */
        Map<String, String> latentwatchEnv() {
            Map<String, String> vars = new LinkedHashMap<>();
            env.forEach((k, v) -> {
                if (k.startsWith("LATENTWATCH_")) {
                    vars.put(k, v);
                }
            });
            return vars;
        }
    }

    static Optional<CommandSpec> command(String name) {
        CommandLine sub = Main.commandLine().getSubcommands().get(name);
        return Optional.ofNullable(sub).map(CommandLine::getCommandSpec);
    }

    static Set<String> commands() {
        return new TreeSet<>(Main.commandLine().getSubcommands().keySet());
    }

    /** The option of a command that an environment variable sets. */
    static Optional<OptionSpec> optionFor(CommandSpec command, String variable) {
        return command.options().stream()
                .filter(o -> EnvironmentDefaults.variableFor(o.longestName()).equals(variable))
                .findFirst();
    }

    /** Whether any sub-command has an option set by this variable. */
    static boolean isOptionVariable(String variable) {
        return commands().stream().map(LatentwatchCli::command).flatMap(Optional::stream)
                .anyMatch(c -> optionFor(c, variable).isPresent());
    }

    /**
     * Parses a run the way latentwatch would: the arguments, plus every LATENTWATCH_* variable of its
     * environment given as the flag it stands for (unless the flag is on the command line, which
     * wins), so that the variables' values are type-checked too.
     *
     * @return the parsed sub-command
     * @throws CommandLine.ParameterException when it would not parse
     * @throws IllegalArgumentException       when a variable sets no option of the command
     */
    static CommandLine.ParseResult parse(Run run, Set<String> nonOptionVariables) {
        CommandSpec command = command(run.command())
                .orElseThrow(() -> new IllegalArgumentException(run.where() + ": no sub-command '" + run.command() + "'"));
        List<String> args = new ArrayList<>(run.args());
        for (Map.Entry<String, String> var : run.latentwatchEnv().entrySet()) {
            Optional<OptionSpec> option = optionFor(command, var.getKey());
            if (option.isEmpty()) {
                if (!nonOptionVariables.contains(var.getKey())) {
                    throw new IllegalArgumentException(run.where() + ": " + var.getKey() + " sets no option of '"
                            + run.command() + "' and is none of " + nonOptionVariables);
                }
                continue;
            }
            OptionSpec o = option.get();
            if (run.args().stream().anyMatch(a -> o.names().length > 0 && List.of(o.names()).contains(a.split("=", 2)[0]))) {
                continue;
            }
            if (o.type() == boolean.class || o.type() == Boolean.class) {
                if (!var.getValue().equals("true") && !var.getValue().equals("false")) {
                    throw new IllegalArgumentException(run.where() + ": " + var.getKey() + " must be true or false");
                }
                continue;
            }
            args.add(o.longestName());
            args.add(var.getValue());
        }
        return Main.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
    }

    /** The topic names a parsed run uses: the values of its TOPIC options that were given. */
    static List<String> topics(CommandLine.ParseResult parsed) {
        List<String> topics = new ArrayList<>();
        for (OptionSpec o : parsed.matchedOptions()) {
            if (TOPIC_LABEL.equals(o.paramLabel())) {
                topics.add(String.valueOf(o.<Object>getValue()));
            }
        }
        return topics;
    }

    /** The default of an option, as its definition states it. */
    static String defaultValue(String command, String option) {
        return command(command).orElseThrow().findOption(option).defaultValue();
    }
}
