package io.mirrorswitch.harness;

/** A harness component failed to do its job; the message names the log files to look at. */
public class HarnessException extends RuntimeException {

    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
