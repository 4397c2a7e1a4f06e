/** Learning-rate schedules. */
package io.myelin.schedule;
