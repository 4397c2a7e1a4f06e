package io.myelin.backend;

/**
 * Elementwise binary primitives {@code out = a (op) b}. {@code b} has the shape of {@code a}, or is a row
 * vector {@code (1, cols)} broadcast over every row, or a column vector {@code (rows, 1)} broadcast over
 * every column. {@code out} may alias {@code a}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN,
    /** {@code a > b ? 1 : 0}. */
    GREATER,
}
