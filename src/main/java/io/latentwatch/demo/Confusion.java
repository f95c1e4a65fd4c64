package io.latentwatch.demo;

/**
 * Calls of one model against the true labels.
 *
 * @param truePositives  anomalies flagged
 * @param falsePositives normal images flagged
 * @param trueNegatives  normal images passed
 * @param falseNegatives anomalies passed
 */
record Confusion(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    double precision() {
        long flagged = truePositives + falsePositives;
        return flagged == 0 ? Double.NaN : (double) truePositives / flagged;
    }

    double recall() {
        long anomalies = truePositives + falseNegatives;
        return anomalies == 0 ? Double.NaN : (double) truePositives / anomalies;
    }

    double f1() {
        return 2 * precision() * recall() / (precision() + recall());
    }

    /** Counts calls; not thread-safe (the scoreboard holds its lock). */
    static final class Counter {
        private long truePositives;
        private long falsePositives;
        private long trueNegatives;
        private long falseNegatives;

        void add(boolean anomaly, boolean flagged) {
            if (anomaly) {
                if (flagged) {
                    truePositives++;
                } else {
                    falseNegatives++;
                }
            } else if (flagged) {
                falsePositives++;
            } else {
                trueNegatives++;
            }
        }

        Confusion snapshot() {
            return new Confusion(truePositives, falsePositives, trueNegatives, falseNegatives);
        }
    }
}
