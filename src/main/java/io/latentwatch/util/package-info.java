/** Small helpers shared by several packages. */
package io.latentwatch.util;
