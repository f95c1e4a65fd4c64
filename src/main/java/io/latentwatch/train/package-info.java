/**
 * The trainer: DJL (PyTorch engine) autoencoder training, threshold calibration, ONNX export with
 * a check against ONNX Runtime, and publishing to the models topic.
 */
package io.latentwatch.train;
