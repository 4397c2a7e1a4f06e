/** Training losses, composed from Backend primitives (softmax-cross-entropy fused). */
package io.myelin.loss;
