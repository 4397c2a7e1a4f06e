/**
 * The Backend SPI: the narrow set of primitives every backend implements, the argument checks they share
 * ({@link io.myelin.backend.Checks}), and backend discovery.
 */
package io.myelin.backend;
