/** The model API: Sequential, fit/evaluate/predict, specs, metrics, history. */
package io.myelin.train;
