package io.latentwatch.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * How many faults of each kind; they are interleaved kill, swap, SIGTERM, broker restart,
 * kill, ... Kills and SIGTERMs go round the detectors.
 */
public record Faults(int kills, int sigterms, int brokerRestarts, int swaps) {
    public Faults {
        if (kills < 0 || sigterms < 0 || brokerRestarts < 0 || swaps < 0) {
            throw new IllegalArgumentException("fault counts must be 0 or more");
        }
    }

    int total() {
        return kills + sigterms + brokerRestarts + swaps;
    }

    List<String> plan() {
        List<String> plan = new ArrayList<>();
        for (int round = 0; plan.size() < total(); round++) {
            addIf(plan, round < kills, "kill");
            addIf(plan, round < swaps, "swap");
            addIf(plan, round < sigterms, "sigterm");
            addIf(plan, round < brokerRestarts, "broker-restart");
        }
        return plan;
    }

    private static void addIf(List<String> plan, boolean condition, String kind) {
        if (condition) {
            plan.add(kind);
        }
    }
}
