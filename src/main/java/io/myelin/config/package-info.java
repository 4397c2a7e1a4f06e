/**
 * The strict reader every spec object goes through: {@link io.myelin.config.ConfigObject} wraps one JSON
 * object with its place in the spec ({@code "layer 2 (dense)"}), reads typed values with defaults, records the
 * keys it was asked for and refuses any other key, naming it, its place, a near miss
 * ({@link io.myelin.config.DidYouMean}) and the keys it knows. Every problem is a
 * {@link io.myelin.config.ConfigException}, one line, never a {@code ClassCastException}.
 *
 * <pre>{@code
 * ConfigObject c = ConfigObject.of(map, "layer 2 (dense)");
 * int units = c.requiredInteger("units");
 * String activation = c.choice("activation", "linear", ActivationFunction.names(), "activation");
 * c.finish();   // "layer 2 (dense): unknown key "activaton"; did you mean "activation"? known keys: ..."
 * }</pre>
 */
package io.myelin.config;
