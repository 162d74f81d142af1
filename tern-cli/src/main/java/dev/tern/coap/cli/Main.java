package dev.tern.coap.cli;

/** Entry point of the {@code tern} command. */
public final class Main {
    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(0);
    }
}
