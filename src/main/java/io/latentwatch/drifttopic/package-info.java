/**
 * The drift topic contract: the periodic drift summary each detector publishes about the model it
 * serves (docs/drift.md), written by detectors and read by the trainer's drift-triggered retraining,
 * so the two agree on keys, fields and freshness.
 */
package io.latentwatch.drifttopic;
