package io.latentwatch.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When {@code latentwatch promote} may promote a challenger, judged on its
 * {@link ChallengerEvidence}: at least {@code minRecords} verdicts on live records, an agreement
 * with the serving model of at least {@code minAgreement}, and its own flag rate inside
 * {@code [minFlagRate, maxFlagRate]}.
 *
 * @param minRecords   fewest records the challenger must have scored in the shadow ({@code --min-records})
 * @param minAgreement lowest share of records on which it must make the serving model's call
 *                     ({@code --min-agreement}); 0 for no bound
 * @param minFlagRate  lowest share of records it may flag ({@code --flag-rate LOW..HIGH})
 * @param maxFlagRate  highest share of records it may flag
 */
public record PromotionRule(long minRecords, double minAgreement, double minFlagRate, double maxFlagRate) {
    public PromotionRule {
        if (minRecords < 1) {
            throw new IllegalArgumentException("--min-records must be at least 1, got " + minRecords);
        }
        if (!(minAgreement >= 0 && minAgreement <= 1)) {
            throw new IllegalArgumentException("--min-agreement must be a share between 0 and 1, got " + minAgreement);
        }
        if (!(minFlagRate >= 0 && minFlagRate <= maxFlagRate && maxFlagRate <= 1)) {
            throw new IllegalArgumentException("--flag-rate must be LOW..HIGH with 0 <= LOW <= HIGH <= 1, got "
                    + minFlagRate + ".." + maxFlagRate);
        }
    }

    /** Parses {@code --flag-rate LOW..HIGH}, e.g. {@code 0.01..0.05}. */
    public static double[] parseBand(String band) {
        String[] parts = band.split("\\.\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--flag-rate " + band + ": write LOW..HIGH, e.g. 0.01..0.05");
        }
        try {
            return new double[] {Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--flag-rate " + band + ": write LOW..HIGH as two numbers, e.g."
                    + " 0.01..0.05");
        }
    }

    /** What the figures fall short of; empty when the challenger may be promoted. */
    public List<String> unmet(ChallengerEvidence.Figures figures) {
        List<String> unmet = new ArrayList<>();
        if (figures.records() < minRecords) {
            unmet.add(figures.records() + " records scored in the shadow, fewer than --min-records " + minRecords);
            return unmet;
        }
        if (figures.agreement() < minAgreement) {
            unmet.add(String.format(Locale.ROOT, "agreement %.4f below --min-agreement %s", figures.agreement(),
                    minAgreement));
        }
        double rate = figures.challengerFlagRate();
        if (rate < minFlagRate || rate > maxFlagRate) {
            unmet.add(String.format(Locale.ROOT, "flag rate %.4f outside --flag-rate %s..%s", rate, minFlagRate,
                    maxFlagRate));
        }
        return unmet;
    }
}
