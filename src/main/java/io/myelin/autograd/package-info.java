/** The autograd tape: recorded backward rules replayed in reverse, grad mode, gradient writing rules. */
package io.myelin.autograd;
