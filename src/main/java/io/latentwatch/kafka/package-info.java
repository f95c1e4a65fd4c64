/** An embedded single-node KRaft broker for the demo, the benchmark and the tests. */
package io.latentwatch.kafka;
