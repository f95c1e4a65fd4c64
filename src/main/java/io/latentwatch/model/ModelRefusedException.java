package io.latentwatch.model;

/** A model that cannot be served: unreadable, outside the model contract, or failing its check. */
public final class ModelRefusedException extends Exception {
    /** Why a model was refused: the {@code reason} label of {@code latentwatch_model_refusals_total}. */
    public enum Reason {
        /** Not an ONNX model, or ONNX Runtime cannot load it. */
        INVALID("invalid"),
        /** Loads, but breaks the model contract (inputs, outputs, metadata). */
        CONTRACT("contract"),
        /** Fails the probe run: an error, non-finite scores, or the same score for every probe image. */
        DEGENERATE("degenerate"),
        /** Takes another input shape than the serving model, and the detector was not told to allow that. */
        INPUT_CHANGED("input-changed");

        private final String id;

        Reason(String id) {
            this.id = id;
        }

        /** Label value in metrics and logs. */
        public String id() {
            return id;
        }
    }

    private final Reason reason;

    public ModelRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
