package io.latentwatch.train;

import java.util.Arrays;

/** Picks which values a trimmed statistic keeps. */
final class Trimming {
    private Trimming() {
    }

    /**
     * Marks the values kept when the {@code share} with the highest values is left out (at most
     * {@code floor(share * n)} values, and always at least one kept); null when nothing is left
     * out. Ties at the cut are broken by position, so exactly that many are left out.
     */
    static boolean[] keepLowest(float[] values, double share) {
        int drop = Math.min(values.length - 1, (int) Math.floor(share * values.length));
        if (drop <= 0) {
            return null;
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        float cut = sorted[values.length - drop];
        int above = 0;
        for (float v : values) {
            if (v > cut) {
                above++;
            }
        }
        int dropAtCut = drop - above;
        boolean[] kept = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < cut) {
                kept[i] = true;
            } else if (values[i] == cut) {
                if (dropAtCut > 0) {
                    dropAtCut--;
                } else {
                    kept[i] = true;
                }
            }
        }
        return kept;
    }
}
