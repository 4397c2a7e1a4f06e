/** The model API: Sequential, fit/evaluate/predict, specs, metrics, history, resume state. */
package io.myelin.train;
