/**
 * The end-to-end benchmark: throughput and latency of the detector through a real broker with
 * exactly-once, measured side by side with raw ONNX Runtime on the same model and images.
 */
package io.latentwatch.bench;
