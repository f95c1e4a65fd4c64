package io.latentwatch.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One fault and what it did. Times are milliseconds; null where they do not apply.
 *
 * @param kind       {@code kill}, {@code sigterm}, {@code broker-restart}, {@code swap} or
 *                   {@code unexpected-exit} (a detector found dead that the suite had not stopped)
 * @param target     the detector incarnation, the broker, or the model version swapped to
 * @param atInput    inputs written when the fault began
 * @param recoveryMs time from the fault until every input partition had a committed output written
 *                   after it (see {@link RecoveryProbe}); for a broker restart, from the broker serving
 *                   again; null when it did not recover within the suite's timeout
 * @param firstMs    time from the fault until the first input partition had such an output (small when
 *                   the other detector's partitions kept flowing)
 * @param readyMs    time from the fault until the restarted detector answered ready
 * @param stopMs     SIGTERM: time from the signal to the exit; broker restart: time to stop the broker
 * @param downtimeMs broker restart: time from the stop signal until the broker served again
 * @param swapMs     swap: time from publishing until every detector served the new version
 * @param note       what went wrong, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultEvent(String kind, String target, @JsonProperty("at_input") long atInput,
                         @JsonProperty("recovery_ms") Long recoveryMs, @JsonProperty("first_ms") Long firstMs,
                         @JsonProperty("ready_ms") Long readyMs,
                         @JsonProperty("stop_ms") Long stopMs, @JsonProperty("downtime_ms") Long downtimeMs,
                         @JsonProperty("swap_ms") Long swapMs, String note) {
}
