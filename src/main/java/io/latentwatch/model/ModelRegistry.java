package io.latentwatch.model;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The model every stream thread scores with, swapped atomically while records flow.
 *
 * <p>A scorer takes a {@link Lease} for each record (or batch), so every output of that record
 * names one version; a swapped-out model is closed only when its last lease is returned.
 *
 * <p>The registry of the serving model has a second slot, {@link #challenger()}: a model scored in
 * the shadow of the serving one, which decides nothing (docs/training.md, "Shadow scoring and
 * promotion"). It is a registry of its own, with its own leases.
 */
public final class ModelRegistry implements AutoCloseable {
    private final AtomicReference<Holder> current = new AtomicReference<>();
    private final List<Consumer<ModelInfo>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ModelInfo>> clearListeners = new CopyOnWriteArrayList<>();
    private final ModelRegistry challenger;

    /** An empty registry of a serving model, with an empty challenger slot. */
    public ModelRegistry() {
        this.challenger = new ModelRegistry(null);
    }

    private ModelRegistry(ModelRegistry challenger) {
        this.challenger = challenger;
    }

    /**
     * The challenger slot: empty unless a challenger is loaded. The challenger's own registry has
     * no challenger slot.
     */
    public ModelRegistry challenger() {
        if (challenger == null) {
            throw new IllegalStateException("a challenger has no challenger slot of its own");
        }
        return challenger;
    }

    /** Installs a model, retiring the previous one; returns the previous one's info, if any. */
    public Optional<ModelInfo> swap(OnnxAutoencoder next) {
        Holder old = current.getAndSet(new Holder(next));
        listeners.forEach(l -> l.accept(next.info()));
        if (old == null) {
            return Optional.empty();
        }
        old.release();
        return Optional.of(old.model.info());
    }

    /** Takes the current model for one unit of work; empty when none is loaded yet. */
    public Optional<Lease> acquire() {
        while (true) {
            Holder holder = current.get();
            if (holder == null) {
                return Optional.empty();
            }
            if (holder.retain()) {
                return Optional.of(new Lease(holder));
            }
            // the holder was retired and closed between get() and retain(): read again
        }
    }

    /** Info of the current model, if one is loaded. */
    public Optional<ModelInfo> current() {
        Holder holder = current.get();
        return holder == null ? Optional.empty() : Optional.of(holder.model.info());
    }

    /** Calls {@code listener} after every swap with the new model's info. */
    public void onSwap(Consumer<ModelInfo> listener) {
        listeners.add(listener);
    }

    /** Calls {@code listener} after {@link #clear()} removed a model, with that model's info. */
    public void onClear(Consumer<ModelInfo> listener) {
        clearListeners.add(listener);
    }

    /**
     * Removes the current model (a withdrawn challenger): leases already taken keep it until they
     * are returned; the next {@link #acquire()} finds none.
     *
     * @return the removed model's info, if one was loaded
     */
    public Optional<ModelInfo> clear() {
        Holder old = current.getAndSet(null);
        if (old == null) {
            return Optional.empty();
        }
        ModelInfo info = old.model.info();
        old.release();
        clearListeners.forEach(l -> l.accept(info));
        return Optional.of(info);
    }

    @Override
    public void close() {
        Holder old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
        if (challenger != null) {
            challenger.close();
        }
    }

    /** The use of one model for one unit of work; return it with {@link #close()}. */
    public static final class Lease implements AutoCloseable {
        private final Holder holder;
        private boolean closed;

        private Lease(Holder holder) {
            this.holder = holder;
        }

        public OnnxAutoencoder model() {
            return holder.model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                holder.release();
            }
        }
    }

    private static final class Holder {
        private final OnnxAutoencoder model;
        // one reference for being current, one per open lease; 0 means closed for good
        private final AtomicInteger refs = new AtomicInteger(1);

        private Holder(OnnxAutoencoder model) {
            this.model = model;
        }

        private boolean retain() {
            while (true) {
                int n = refs.get();
                if (n == 0) {
                    return false;
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        private void release() {
            if (refs.decrementAndGet() == 0) {
                model.close();
            }
        }
    }
}
