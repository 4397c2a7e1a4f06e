/** Tensors and their ownership scopes. */
package io.myelin.tensor;
