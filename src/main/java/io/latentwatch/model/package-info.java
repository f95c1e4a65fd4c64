/**
 * ONNX autoencoders: loading and checking a model against the model contract, its
 * {@code latentwatch.*} metadata, scoring batches with ONNX Runtime, and the live registry that
 * swaps models without losing or mixing a record.
 */
package io.latentwatch.model;
