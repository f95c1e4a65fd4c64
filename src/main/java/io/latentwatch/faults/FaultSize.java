package io.latentwatch.faults;

import java.util.List;
import java.util.Map;

/**
 * The two sizes the suite is run at: {@link #CI} in {@code mvn verify} (about a minute on two
 * cores), {@link #FULL} by hand or nightly ({@code scripts/fault-suite.sh}), some minutes.
 */
public enum FaultSize {
    /**
     * Each fault once, the kill twice (once per detector), about 600 inputs. A 6 s session timeout
     * keeps each kill's wait short; the restarted detectors start with C1 only. No timing is
     * asserted at this size, only the accounting.
     */
    CI(600, 100, 20, new Faults(2, 1, 1, 1),
            Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500"),
            List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")),
    /**
     * Five kills, two SIGTERMs, two broker restarts and three swaps over 20,000 inputs or more,
     * with the detectors' own defaults: the recovery times measure the product.
     */
    FULL(20_000, 100, 50, new Faults(5, 2, 2, 3), Map.of(), List.of("-Xmx512m"));

    private final long images;
    private final double rate;
    private final int garbageEvery;
    private final Faults faults;
    private final Map<String, String> detectorProperties;
    private final List<String> detectorJvmOptions;

    FaultSize(long images, double rate, int garbageEvery, Faults faults,
              Map<String, String> detectorProperties, List<String> detectorJvmOptions) {
        this.images = images;
        this.rate = rate;
        this.garbageEvery = garbageEvery;
        this.faults = faults;
        this.detectorProperties = detectorProperties;
        this.detectorJvmOptions = detectorJvmOptions;
    }

    public long images() {
        return images;
    }

    public double rate() {
        return rate;
    }

    public int garbageEvery() {
        return garbageEvery;
    }

    public Faults faults() {
        return faults;
    }

    public Map<String, String> detectorProperties() {
        return detectorProperties;
    }

    public List<String> detectorJvmOptions() {
        return detectorJvmOptions;
    }
}
