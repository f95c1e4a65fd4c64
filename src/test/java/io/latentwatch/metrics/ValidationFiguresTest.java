package io.latentwatch.metrics;

import io.latentwatch.model.MetadataKeys;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ValidationFiguresTest {
    @Test
    void shouldKeepTheKnownNumericFiguresUnderTheirExportedNames() {
        // Given a trainer's validation JSON with known names, aliases, text and an unknown figure
        String json = "{\"train_loss\": 0.01, \"val_loss\": 0.02, \"auroc\": 0.95, \"duration_seconds\": 61.5,"
                + " \"f1\": \"high\", \"learning_rate\": 0.001, \"epochs\": 12}";

        // When read
        Map<String, Double> figures = ValidationFigures.fromMetadata(Map.of(MetadataKeys.VALIDATION, json));

        // Then the known numeric ones are kept, aliases renamed, the rest ignored
        assertThat(figures).containsOnly(entry("train_loss", 0.01), entry("validation_loss", 0.02),
                entry("auroc", 0.95), entry("training_seconds", 61.5), entry("epochs", 12.0));
        assertThat(ValidationFigures.NAMES).containsAll(figures.keySet());
    }

    @Test
    void shouldPreferTheExactNameOverAnAlias() {
        // Given both spellings of the validation loss  When read  Then the exact name wins
        String json = "{\"validation_loss\": 0.5, \"val_loss\": 0.7}";
        assertThat(ValidationFigures.fromMetadata(Map.of(MetadataKeys.VALIDATION, json)))
                .containsOnly(entry("validation_loss", 0.5));
        String reversed = "{\"val_loss\": 0.7, \"validation_loss\": 0.5}";
        assertThat(ValidationFigures.fromMetadata(Map.of(MetadataKeys.VALIDATION, reversed)))
                .containsOnly(entry("validation_loss", 0.5));
    }

    @Test
    void shouldReadNothingFromAbsentOrBrokenMetadata() {
        // Given no key, broken JSON, or JSON that is not an object  When read  Then there are no figures, and no error
        assertThat(ValidationFigures.fromMetadata(Map.of())).isEmpty();
        assertThat(ValidationFigures.fromMetadata(Map.of(MetadataKeys.VALIDATION, "{broken"))).isEmpty();
        assertThat(ValidationFigures.fromMetadata(Map.of(MetadataKeys.VALIDATION, "[1, 2]"))).isEmpty();
    }
}
