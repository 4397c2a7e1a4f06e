/**
 * Learning-rate schedules: one record per schedule, each checking its values in its constructor and writing
 * its spec object with {@code config()}; {@link io.myelin.schedule.Schedules} reads a spec's
 * {@code lr_schedule} object back into one.
 */
package io.myelin.schedule;
