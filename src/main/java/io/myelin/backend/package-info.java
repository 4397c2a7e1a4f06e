/** The Backend SPI: the narrow set of primitives every backend implements, and backend discovery. */
package io.myelin.backend;
