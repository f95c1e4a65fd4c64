package io.latentwatch.train;

import io.latentwatch.drifttopic.DriftSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latest drift summary of every detector instance, as read from the drift topic, and their
 * combined drift for one model version.
 *
 * <p>The combined PSI is the mean of the instances' PSI weighted by their window sizes, over the
 * fresh summaries about that exact version that carry a PSI. Weighting by the window approaches
 * the PSI of all detectors' scores pooled, which is what the traffic as a whole did; the maximum
 * would retrain on the noise of one instance holding a small window. Summaries about another
 * version (older models, still in flight after a swap, or a newer one not seen yet) and stale ones
 * (a detector that stopped) do not count.
 */
final class DriftWatch {
    private final String modelName;
    private final Map<String, DriftSummary> latest = new HashMap<>();
    private long unreadable;

    /** @param modelName only summaries about this model name count */
    DriftWatch(String modelName) {
        this.modelName = modelName;
    }

    /**
     * Takes one record of the drift topic; a null value (tombstone) forgets the key.
     *
     * @throws IllegalArgumentException when the value is not a drift summary
     */
    void accept(String key, byte[] value) {
        if (value == null) {
            latest.remove(key);
            return;
        }
        DriftSummary summary;
        try {
            summary = DriftSummary.fromJson(value);
        } catch (IllegalArgumentException e) {
            unreadable++;
            throw new IllegalArgumentException("drift record under key '" + key + "' is no drift summary: "
                    + e.getMessage(), e);
        }
        if (summary.model().equals(modelName)) {
            latest.put(key, summary);
        }
    }

    /** Records read that were no drift summary. */
    long unreadable() {
        return unreadable;
    }

    /** Versions named by fresh summaries, other than {@code version}. */
    List<String> otherFreshVersions(String version, Instant now) {
        return latest.values().stream().filter(s -> s.freshAt(now) && !s.modelVersion().equals(version))
                .map(DriftSummary::modelVersion).distinct().sorted().toList();
    }

    /** The combined drift of {@code version} at {@code now}. */
    Reading read(String version, Instant now) {
        List<DriftSummary> counted = new ArrayList<>();
        int stale = 0;
        int otherVersion = 0;
        int withoutPsi = 0;
        for (DriftSummary s : latest.values()) {
            if (!s.freshAt(now)) {
                stale++;
            } else if (!s.modelVersion().equals(version)) {
                otherVersion++;
            } else if (!s.hasPsi() || s.windowScores() <= 0) {
                withoutPsi++;
            } else {
                counted.add(s);
            }
        }
        double weighted = 0;
        long window = 0;
        for (DriftSummary s : counted) {
            weighted += s.psi() * s.windowScores();
            window += s.windowScores();
        }
        double psi = counted.isEmpty() ? Double.NaN : weighted / window;
        return new Reading(version, psi, counted.size(), window, withoutPsi, otherVersion, stale);
    }

    /**
     * The combined drift of one version.
     *
     * @param psi          window-weighted mean PSI of the counted summaries; NaN when none counted
     * @param instances    detector instances counted (fresh, this version, with a PSI)
     * @param window       live scores behind the counted summaries
     * @param withoutPsi   fresh summaries of this version without a PSI yet (under 100 scores)
     * @param otherVersion fresh summaries about another version
     * @param stale        summaries older than {@link DriftSummary#STALE_INTERVALS} intervals
     */
    record Reading(String version, double psi, int instances, long window, int withoutPsi, int otherVersion,
                   int stale) {
        boolean hasPsi() {
            return instances > 0;
        }

        boolean above(double limit) {
            return hasPsi() && psi > limit;
        }

        /** One line: what the figure is and what it rests on. */
        String describe() {
            StringBuilder b = new StringBuilder("model ").append(version).append(": ");
            if (hasPsi()) {
                b.append(String.format(Locale.ROOT, "PSI %.3f from %d detector%s (%d live scores)", psi, instances,
                        instances == 1 ? "" : "s", window));
            } else {
                b.append("no PSI yet");
            }
            if (withoutPsi > 0) {
                b.append(", ").append(withoutPsi).append(" still under 100 scores");
            }
            if (otherVersion > 0) {
                b.append(", ").append(otherVersion).append(" about other versions (ignored)");
            }
            if (stale > 0) {
                b.append(", ").append(stale).append(" stale (ignored)");
            }
            return b.toString();
        }
    }
}
