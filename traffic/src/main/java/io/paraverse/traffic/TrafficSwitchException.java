package io.paraverse.traffic;

/** A traffic switch could not do what was asked; the message names the switch, the step and what to check. */
public class TrafficSwitchException extends Exception {
    public TrafficSwitchException(String message) {
        super(message);
    }

    public TrafficSwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
