package io.latentwatch.data;

import java.util.BitSet;
import java.util.stream.Collectors;

/** A set of class labels, written {@code 5,7,9} on the command line. */
public final class LabelSet {
    private final BitSet labels;

    private LabelSet(BitSet labels) {
        this.labels = labels;
    }

    /**
     * Parses a comma-separated list of labels in 0..255.
     *
     * @throws IllegalArgumentException with the accepted form, on an empty or bad list
     */
    public static LabelSet parse(String spec) {
        BitSet set = new BitSet(256);
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int label;
            try {
                label = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a class label; give labels like 5,7,9");
            }
            if (label < 0 || label > 255) {
                throw new IllegalArgumentException("class label " + label + " is outside 0..255");
            }
            set.set(label);
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no class labels in '" + spec + "'; give labels like 5,7,9");
        }
        return new LabelSet(set);
    }

    /** The set of the given labels. */
    public static LabelSet of(int... labels) {
        BitSet set = new BitSet(256);
        for (int label : labels) {
            set.set(label);
        }
        return new LabelSet(set);
    }

    /** Whether {@code label} is in the set. */
    public boolean contains(int label) {
        return labels.get(label);
    }

    /** The labels in ascending order, comma-separated, as {@link #parse} reads them. */
    @Override
    public String toString() {
        return labels.stream().mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
