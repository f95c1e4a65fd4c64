/** Immutable configuration, built once from flags, environment and properties, validated at start. */
package io.latentwatch.config;
