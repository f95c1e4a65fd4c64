package io.latentwatch.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a fault-suite run: the faults with their times, and every input accounted for.
 *
 * @param settings     what was run
 * @param events       the faults, in order
 * @param accounting   the inputs and outputs as read from the topics at the end
 * @param failedInputs inputs the suite's producer gave up on (not counted as lost)
 * @param seconds      wall time of the run
 */
public record FaultReport(SuiteSettings settings, List<FaultEvent> events, Accounting accounting,
                          long failedInputs, double seconds) {
    /** How recovery is measured, as the report states it. */
    public static final String RECOVERY_DEFINITION = "time from the fault (kill or SIGTERM sent; broker serving"
            + " again) until every input partition has a committed embedding written after the fault";

    public FaultReport {
        events = List.copyOf(events);
    }

    /** Inputs with no output at all. */
    public long lost() {
        return accounting.lost();
    }

    /** Inputs with more than one output. */
    public long duplicated() {
        return accounting.duplicated();
    }

    /** Valid images dead-lettered, or garbage scored. */
    public long misrouted() {
        return accounting.misrouted();
    }

    /** Distinct inputs on the input topic. */
    public long inputs() {
        return accounting.inputs();
    }

    /** Garbage inputs among them. */
    public long garbageInputs() {
        return accounting.garbage();
    }

    /** Faults of one kind that were carried out. */
    public long count(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }

    /** Embeddings per model version. */
    public Map<String, Long> embeddingsPerVersion() {
        return accounting.versions();
    }

    /**
     * Whether every input was accounted for as the processing guarantee promises: none lost, none
     * misrouted, nothing foreign, and under exactly-once none duplicated.
     */
    public boolean passed() {
        boolean exactlyOnce = !settings.guarantee().equals("at_least_once");
        return accounting.lost() == 0 && accounting.misrouted() == 0 && accounting.foreignOutputs() == 0
                && accounting.inputDuplicates() == 0 && failedInputs == 0 && accounting.inputs() > 0
                && (!exactlyOnce || accounting.duplicated() == 0);
    }

    /** The report as one JSON object's fields. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", passed());
        m.put("processing_guarantee", settings.guarantee());
        m.put("instances", settings.instances());
        m.put("partitions", settings.partitions());
        m.put("broker", settings.bootstrapServers() == null ? "own process" : settings.bootstrapServers());
        m.put("kills", count("kill"));
        m.put("sigterms", count("sigterm"));
        m.put("broker_restarts", count("broker-restart"));
        m.put("swaps", count("swap"));
        m.put("unexpected_exits", count("unexpected-exit"));
        m.putAll(accounting.asMap());
        m.put("failed_inputs", failedInputs);
        m.put("kill_recovery_s", seconds("kill", FaultEvent::recoveryMs));
        m.put("kill_first_partition_s", seconds("kill", FaultEvent::firstMs));
        m.put("kill_ready_s", seconds("kill", FaultEvent::readyMs));
        m.put("sigterm_stop_s", seconds("sigterm", FaultEvent::stopMs));
        m.put("sigterm_recovery_s", seconds("sigterm", FaultEvent::recoveryMs));
        m.put("broker_downtime_s", seconds("broker-restart", FaultEvent::downtimeMs));
        m.put("broker_recovery_s", seconds("broker-restart", FaultEvent::recoveryMs));
        m.put("swap_s", seconds("swap", FaultEvent::swapMs));
        m.put("unrecovered", events.stream().filter(e -> e.note() != null).count());
        m.put("recovery", RECOVERY_DEFINITION);
        m.put("detector_properties", settings.detectorProperties());
        m.put("detector_args", settings.detectorArgs());
        m.put("rate", settings.rate());
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("events", events);
        return m;
    }

    private List<Double> seconds(String kind, java.util.function.Function<FaultEvent, Long> field) {
        List<Double> values = new ArrayList<>();
        for (FaultEvent e : events) {
            if (e.kind().equals(kind)) {
                Long ms = field.apply(e);
                values.add(ms == null ? null : Math.round(ms / 100.0) / 10.0);
            }
        }
        return values;
    }

    /** A Markdown table of the faults, then the totals. */
    public String table() {
        StringBuilder t = new StringBuilder();
        t.append("| # | fault | target | at input | recovery s | other |\n|---|---|---|---|---|---|\n");
        int i = 1;
        for (FaultEvent e : events) {
            List<String> other = new ArrayList<>();
            add(other, "first partition", e.firstMs());
            add(other, "ready", e.readyMs());
            add(other, "stop", e.stopMs());
            add(other, "downtime", e.downtimeMs());
            add(other, "swap", e.swapMs());
            if (e.note() != null) {
                other.add(e.note());
            }
            t.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %s | %s |%n", i++, e.kind(), e.target(),
                    e.atInput(), e.recoveryMs() == null ? "-" : format(e.recoveryMs()), String.join(", ", other)));
        }
        t.append(String.format(Locale.ROOT, "%ninputs %d (%d garbage), embeddings %d, dead letters %d, lost %d,"
                        + " duplicated %d, misrouted %d, %s, %.0f s: %s%n", accounting.inputs(), accounting.garbage(),
                accounting.embeddings(), accounting.deadLetters(), accounting.lost(), accounting.duplicated(),
                accounting.misrouted(), settings.guarantee(), seconds, passed() ? "PASSED" : "FAILED"));
        return t.toString();
    }

    private static void add(List<String> parts, String name, Long ms) {
        if (ms != null) {
            parts.add(name + " " + format(ms) + " s");
        }
    }

    private static String format(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    @Override
    public String toString() {
        return Objects.toString(asMap());
    }
}
