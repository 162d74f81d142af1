package dev.tern.coap.cli;

import dev.tern.coap.Code;

/** The exit statuses of {@code tern}. */
public final class ExitCodes {
    /** A 2.xx response, a pong, or a server that stopped cleanly. */
    public static final int OK = 0;
    /** Any other failure: Reset, transport error, unresolvable host. */
    public static final int ERROR = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** No response in time. */
    public static final int TIMEOUT = 3;
    /** A 4.xx response. */
    public static final int CLIENT_ERROR = 4;
    /** A 5.xx response. */
    public static final int SERVER_ERROR = 5;

    private ExitCodes() {
    }

    /** The status for a response code: 0, 4, 5, or 1 for anything else. */
    public static int of(Code code) {
        switch (code.codeClass()) {
            case 2:
                return OK;
            case 4:
                return CLIENT_ERROR;
            case 5:
                return SERVER_ERROR;
            default:
                return ERROR;
        }
    }
}
