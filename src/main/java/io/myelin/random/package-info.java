/** Counter-based random numbers (Philox4x32-10) shared bit for bit by every backend. */
package io.myelin.random;
