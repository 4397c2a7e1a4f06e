package io.myelin.backend;

/** Whether a backend can start on this machine and, if not, why (shown to the user). */
public record Availability(boolean available, String reason) {
    public static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
