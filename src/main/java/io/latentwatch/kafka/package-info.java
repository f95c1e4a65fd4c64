/**
 * Kafka plumbing below the commands: an embedded single-node KRaft broker (with an optional
 * SASL_SSL listener) for the demo, the benchmark and the tests, and the connection check every
 * command makes before it starts its clients.
 */
package io.latentwatch.kafka;
