/** Differentiable ops with forward and backward side by side, built on Backend primitives. */
package io.myelin.ops;
