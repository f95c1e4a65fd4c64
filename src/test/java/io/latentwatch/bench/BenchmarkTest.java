package io.latentwatch.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkTest {
    @Test
    void shouldStreamTenSecondsForTheLatencyWithinItsBounds() {
        // ten seconds at the paced rate
        assertThat(Benchmark.latencyImages(1500, 20_000)).isEqualTo(15_000);
        // never more than --images
        assertThat(Benchmark.latencyImages(2500, 20_000)).isEqualTo(20_000);
        // and at least 100, whatever the rate
        assertThat(Benchmark.latencyImages(10, 20_000)).isEqualTo(100);
    }
}
