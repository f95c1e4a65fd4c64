/** Micrometer meters of the detector and the HTTP endpoint that serves them with health and model info. */
package io.latentwatch.metrics;
