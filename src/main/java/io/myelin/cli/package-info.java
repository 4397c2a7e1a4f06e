/**
 * The {@code myelin} command line (picocli): train, evaluate, predict, summary, lr-find, bench, one class per
 * subcommand; the options several of them share are mixins declared once ({@code TrainingInputs},
 * {@code ScoringOptions}, {@code CsvOptions}, {@code SeedOption},
 * {@code BackendOption}).
 */
package io.myelin.cli;
