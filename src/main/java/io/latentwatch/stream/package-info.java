/**
 * The detector: the Kafka Streams topology that scores image events, its output and dead-letter
 * records, and the running application's lifecycle.
 */
package io.latentwatch.stream;
