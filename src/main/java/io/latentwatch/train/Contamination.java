package io.latentwatch.train;

import java.util.Locale;

/**
 * The share of anomalies in the training data, in the sense of PyOD's {@code contamination}:
 * {@code auto} (estimated from the data), or a fixed share in {@code [0, 0.3]}; 0 means the data
 * are clean and trains the plain way.
 *
 * @param share the given share, or NaN for {@code auto}
 */
public record Contamination(double share) {
    /** Data taken as clean: the plain training recipe. */
    public static final Contamination NONE = new Contamination(0);
    /** Estimated from the data. */
    public static final Contamination AUTO = new Contamination(Double.NaN);
    /** Largest share acted on; a majority of anomalies cannot be told from the normal images. */
    static final double MAX_SHARE = 0.3;
    /** Share trimmed from each batch in the screening round when the contamination is estimated. */
    static double AUTO_SCREEN_TRIM = 0.15;

    public Contamination {
        if (!Double.isNaN(share) && !(share >= 0 && share <= MAX_SHARE)) {
            throw new IllegalArgumentException("--contamination must be auto or a share between 0 and " + MAX_SHARE
                    + ", got " + share);
        }
    }

    /** Parses {@code auto} or a share such as {@code 0.05}. */
    public static Contamination parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return AUTO;
        }
        try {
            return new Contamination(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--contamination must be auto or a share such as 0.05, got " + spec);
        }
    }

    public boolean isAuto() {
        return Double.isNaN(share);
    }

    /** Whether the data are taken as clean. */
    public boolean isNone() {
        return share == 0;
    }

    /** {@code auto} or the share, as the flag takes it. */
    public String id() {
        return isAuto() ? "auto" : Double.toString(share);
    }
}
