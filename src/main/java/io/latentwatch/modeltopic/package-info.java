/**
 * The models topic contract: publishing a model, reading the current one under a name, and
 * following the topic to swap models live. Writers (train) and readers (detectors) share it, so
 * they agree on which model is current.
 */
package io.latentwatch.modeltopic;
