package io.latentwatch.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromotionRuleTest {
    /** 1000 records: 20 flagged by both, 950 by neither, 10 by the champion only, 20 by the challenger only. */
    private static final ChallengerEvidence.Figures FIGURES = new ChallengerEvidence.Figures("c1", 1000, 20, 950, 10,
            20);

    @Test
    void shouldComputeAgreementAndBothFlagRatesOnTheSameRecords() {
        assertThat(FIGURES.agreement()).isEqualTo(0.97);
        assertThat(FIGURES.championFlagRate()).isEqualTo(0.03);
        assertThat(FIGURES.challengerFlagRate()).isEqualTo(0.04);
        assertThat(FIGURES.describe()).isEqualTo("challenger c1 on 1000 records: agreement 0.9700, flag rate 0.0400"
                + " (serving model 0.0300)");
    }

    @Test
    void shouldPromoteOnlyWhenEveryBoundHolds() {
        // Given figures with agreement 0.97 and a challenger flag rate of 0.04
        // When rules are checked against them  Then each bound it falls short of is named
        assertThat(new PromotionRule(1000, 0.95, 0.01, 0.05).unmet(FIGURES)).isEmpty();
        assertThat(new PromotionRule(1001, 0, 0, 1).unmet(FIGURES))
                .containsExactly("1000 records scored in the shadow, fewer than --min-records 1001");
        assertThat(new PromotionRule(100, 0.98, 0.05, 0.1).unmet(FIGURES)).containsExactly(
                "agreement 0.9700 below --min-agreement 0.98", "flag rate 0.0400 outside --flag-rate 0.05..0.1");
    }

    @Test
    void shouldRefuseBoundsThatCannotBeMet() {
        assertThatThrownBy(() -> new PromotionRule(0, 0, 0, 1)).hasMessageContaining("--min-records");
        assertThatThrownBy(() -> new PromotionRule(10, 1.5, 0, 1)).hasMessageContaining("--min-agreement");
        assertThatThrownBy(() -> new PromotionRule(10, 0, 0.2, 0.1)).hasMessageContaining("--flag-rate");
        assertThatThrownBy(() -> PromotionRule.parseBand("0.1-0.2")).hasMessageContaining("LOW..HIGH");
        assertThat(PromotionRule.parseBand("0.005..0.05")).containsExactly(0.005, 0.05);
    }
}
