package io.latentwatch.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's promotion rule: judged on the images both models scored in the shadow, with the labels. */
class ChallengerLoopTest {
    private static final Confusion SERVING = new Confusion(20, 2, 470, 8);

    @Test
    void shouldPromoteAChallengerThatFlagsNoMoreNormalImagesAndCatchesAsManyAnomalies() {
        // Given a challenger with the serving model's false positives and two anomalies fewer (18 of 20 is the floor)
        Confusion challenger = new Confusion(18, 2, 470, 10);

        // When it is judged, then nothing speaks against it
        assertThat(ChallengerLoop.judge(SERVING, challenger)).isNull();
    }

    @Test
    void shouldHoldBackAChallengerThatFlagsMoreNormalImages() {
        // Given a challenger that catches more anomalies but flags one normal image more
        Confusion challenger = new Confusion(22, 3, 469, 6);

        // When it is judged, then it is held back, saying both counts
        assertThat(ChallengerLoop.judge(SERVING, challenger))
                .isEqualTo("it flagged 3 normal images in the shadow, the serving model 2");
    }

    @Test
    void shouldHoldBackAChallengerThatCatchesFarFewerAnomalies() {
        // Given a quiet challenger: no false positive, but 17 of the serving model's 20 anomalies (under 90%)
        Confusion challenger = new Confusion(17, 0, 472, 11);

        // When it is judged, then it is held back, saying both counts
        assertThat(ChallengerLoop.judge(SERVING, challenger))
                .isEqualTo("it caught 17 anomalies in the shadow, the serving model 20");
    }
}
