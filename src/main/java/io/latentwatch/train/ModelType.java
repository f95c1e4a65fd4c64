package io.latentwatch.train;

import java.util.Locale;

/** The kinds of autoencoder the trainer builds. */
public enum ModelType {
    /** Convolutional autoencoder; the embedding is the bottleneck vector. */
    AE,
    /** Variational autoencoder; trained with sampling and a KL term, served with {@code z = z_mean}. */
    VAE;

    /** Name as written in flags and metadata. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ae} or {@code vae}. */
    public static ModelType parse(String id) {
        for (ModelType type : values()) {
            if (type.id().equalsIgnoreCase(id.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown model type '" + id + "': use ae or vae");
    }
}
