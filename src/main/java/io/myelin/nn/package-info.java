/** Layers and parameters. */
package io.myelin.nn;
