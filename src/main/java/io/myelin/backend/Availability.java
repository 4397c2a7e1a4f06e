package io.myelin.backend;

/**
 * Whether a backend can start on this machine and, if not, why (shown to the user); and whether
 * {@code auto} may choose it. A backend that can start but is not meant for real work (an emulated device,
 * a test harness) is {@link #byNameOnly}: {@code auto} skips it with {@link #autoSkipReason()}, naming it
 * starts it.
 *
 * @param available      whether {@link BackendProvider#create()} can succeed here
 * @param reason         what was found (when available) or what is missing (when not)
 * @param autoSkipReason null when {@code auto} may choose the backend, else why it does not
 */
public record Availability(boolean available, String reason, String autoSkipReason) {
    public static Availability yes(String detail) {
        return new Availability(true, detail, null);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason, null);
    }

    /** Available, but {@code auto} never picks it: only a user naming it starts it. */
    public static Availability byNameOnly(String detail, String autoSkipReason) {
        return new Availability(true, detail, autoSkipReason);
    }

    /** Whether {@code auto} may choose this backend: available and not {@link #byNameOnly}. */
    public boolean automatic() {
        return available && autoSkipReason == null;
    }
}
