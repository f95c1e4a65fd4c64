/** Writing ONNX models from Java: the trainer's exporter and the tests' fixture models. */
package io.latentwatch.onnx;
