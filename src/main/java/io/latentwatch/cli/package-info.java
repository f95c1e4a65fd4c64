/** The {@code latentwatch} command line: one executable, one sub-command per job (picocli). */
package io.latentwatch.cli;
