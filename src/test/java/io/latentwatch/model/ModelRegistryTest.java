package io.latentwatch.model;

import io.latentwatch.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRegistryTest {

    @Test
    void shouldKeepAModelInUseAliveAcrossASwapAndCloseItAfterwards() throws Exception {
        // Given a registry serving v1, with a lease taken on it
        ModelRegistry registry = new ModelRegistry();
        OnnxAutoencoder v1 = load("v1");
        registry.swap(v1);
        ModelRegistry.Lease lease = registry.acquire().orElseThrow();

        // When v2 is swapped in
        registry.swap(load("v2"));

        // Then the lease still scores with v1, new leases get v2, and v1 closes when returned
        InferenceBatch batch = lease.model().newBatch(1);
        Arrays.fill(batch.pixels(), 0, 784, 1f);
        assertThat(lease.model().score(batch, 1).scores()[0]).isEqualTo(1f);
        try (ModelRegistry.Lease next = registry.acquire().orElseThrow()) {
            assertThat(next.model().info().version()).isEqualTo("v2");
        }
        lease.close();
        assertThatThrownBy(() -> v1.score(batch, 1)).isInstanceOf(IllegalStateException.class);
        registry.close();
    }

    @Test
    void shouldHaveNothingToLendBeforeTheFirstModel() {
        try (ModelRegistry registry = new ModelRegistry()) {
            assertThat(registry.acquire()).isEmpty();
            assertThat(registry.current()).isEmpty();
        }
    }

    private static OnnxAutoencoder load(String version) throws ModelRefusedException {
        return OnnxAutoencoder.load(TestModels.blackIsNormal(version, 0.5), version, ModelOverrides.NONE, 1);
    }
}
