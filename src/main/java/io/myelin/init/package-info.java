/** Weight initializers. */
package io.myelin.init;
