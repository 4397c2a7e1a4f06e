/**
 * The Backend SPI: the narrow set of primitives every backend implements, behind one door
 * ({@link io.myelin.backend.Backend}'s final public ops run the shared checks, {@link io.myelin.backend.Checks},
 * and the ownership test, then the backend's {@code do*} method); the view of a tensor it sees
 * ({@link io.myelin.backend.Operand}); and backend discovery. Nothing here names the tensor package.
 */
package io.myelin.backend;
