/** The {@code myelin} command line: train, evaluate, predict, summary, lr-find. */
package io.myelin.cli;
