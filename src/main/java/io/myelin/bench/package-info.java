/** Command-line micro-benchmarks whose output goes into {@code docs/benchmarks.md} (run from {@code scripts/bench-*.sh}). */
package io.myelin.bench;
