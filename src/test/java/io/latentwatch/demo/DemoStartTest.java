package io.latentwatch.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's "first anomaly flagged N s after the command started" counts the launcher's build too. */
class DemoStartTest {

    @Test
    void shouldCountFromTheLaunchersStartWhenItSaysWhen() {
        // Given a launcher that started 7 s before the JVM, which started 2 s ago
        long now = 100_000;

        // Then the demo counts 9 s before its own start
        assertThat(Demo.secondsBeforeStart("91000", 98_000, now)).isEqualTo(9.0);
    }

    @Test
    void shouldCountFromTheJvmsStartWithoutTheLauncherOrWithANonsensicalValue() {
        assertThat(Demo.secondsBeforeStart(null, 98_000, 100_000)).isEqualTo(2.0);
        assertThat(Demo.secondsBeforeStart("91N", 98_000, 100_000)).isEqualTo(2.0);   // date without %N (macOS)
        assertThat(Demo.secondsBeforeStart("99000", 98_000, 100_000)).isEqualTo(2.0); // after the JVM's start
    }
}
