/**
 * {@code latentwatch demo}: the whole product on one machine, with nothing to set up: an embedded
 * broker, a first model trained on the bundled sample, a detector, a labelled stream with a few
 * percent anomalies, a live view, a retrained model swapped in halfway, and a closing summary.
 */
package io.latentwatch.demo;
