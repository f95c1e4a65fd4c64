package io.latentwatch.model;

/** A model that cannot be served: unreadable, outside the model contract, or failing its check. */
public final class ModelRefusedException extends Exception {
    public ModelRefusedException(String message) {
        super(message);
    }

    public ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
