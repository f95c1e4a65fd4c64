/**
 * Signed models: Ed25519 key pairs (the JDK's own provider), signing a model's exact ONNX bytes,
 * carrying the signature in record headers and in a detached {@code .sig} file, and the
 * detector's check of a model against its trusted public keys before the model is loaded.
 *
 * <p>The models topic is a control channel: whoever can write to it decides what detectors flag.
 * A detector started with trusted keys serves only models signed by one of them. See
 * docs/security.md.
 */
package io.latentwatch.security;
