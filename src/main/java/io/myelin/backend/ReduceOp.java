package io.myelin.backend;

/** Reductions along one axis of a 2-D tensor. ARGMAX writes the index as a float (exact below 2^24). */
public enum ReduceOp {
    SUM, MAX, ARGMAX,
}
