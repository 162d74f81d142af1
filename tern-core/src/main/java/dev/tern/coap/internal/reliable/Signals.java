package dev.tern.coap.internal.reliable;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.Message;

/**
 * The signaling messages of RFC 8323 §5 (code class 7) and their options: building them, and a
 * one-line summary for tracing ({@code tern -v}).
 */
final class Signals {
    /** 7.01 Capabilities and Settings Message (§5.3). */
    static final Code CSM = Code.valueOf(7, 1);
    /** 7.02 Ping (§5.4). */
    static final Code PING = Code.valueOf(7, 2);
    /** 7.03 Pong (§5.4). */
    static final Code PONG = Code.valueOf(7, 3);
    /** 7.04 Release (§5.5). */
    static final Code RELEASE = Code.valueOf(7, 4);
    /** 7.05 Abort (§5.6). */
    static final Code ABORT = Code.valueOf(7, 5);

    /** CSM option Max-Message-Size (§5.3.1), elective, uint. */
    static final int MAX_MESSAGE_SIZE = 2;
    /** CSM option Block-Wise-Transfer (§5.3.2), elective, empty. */
    static final int BLOCK_WISE_TRANSFER = 4;
    /** Ping/Pong option Custody (§5.4.1), elective, empty. */
    static final int CUSTODY = 2;
    /** Release option Alternative-Address (§5.5.1), elective, string. */
    static final int ALTERNATIVE_ADDRESS = 2;
    /** Release option Hold-Off (§5.5.2), elective, uint seconds. */
    static final int HOLD_OFF = 4;
    /** Abort option Bad-CSM-Option (§5.6.1), elective, uint. */
    static final int BAD_CSM_OPTION = 2;

    private Signals() {
    }

    /** Our CSM: Max-Message-Size always, Block-Wise-Transfer when announced (§5.3). */
    static Message csm(int maxMessageSize, boolean blockwise) {
        Options options = blockwise
                ? Options.of(Option.ofUint(MAX_MESSAGE_SIZE, maxMessageSize), Option.ofEmpty(BLOCK_WISE_TRANSFER))
                : Options.of(Option.ofUint(MAX_MESSAGE_SIZE, maxMessageSize));
        return signal(CSM, Bytes.EMPTY, options, Bytes.EMPTY);
    }

    /** 7.02 Ping with {@code token} (§5.4). */
    static Message ping(Bytes token) {
        return signal(PING, token, Options.EMPTY, Bytes.EMPTY);
    }

    /** 7.03 Pong answering a Ping's {@code token}, with Custody when the Ping asked for it (§5.4). */
    static Message pong(Bytes token, boolean custody) {
        return signal(PONG, token, custody ? Options.of(Option.ofEmpty(CUSTODY)) : Options.EMPTY, Bytes.EMPTY);
    }

    /** 7.05 Abort with a diagnostic payload and, for a CSM option we refuse, Bad-CSM-Option (§5.6). */
    static Message abort(String diagnostic, int badCsmOption) {
        Options options = badCsmOption > 0 ? Options.of(Option.ofUint(BAD_CSM_OPTION, badCsmOption)) : Options.EMPTY;
        return signal(ABORT, Bytes.EMPTY, options, Bytes.utf8(diagnostic));
    }

    /** 7.04 Release (§5.5) with a diagnostic, e.g. when the endpoint shuts down. */
    static Message release(String diagnostic) {
        return signal(RELEASE, Bytes.EMPTY, Options.EMPTY, Bytes.utf8(diagnostic));
    }

    private static Message signal(Code code, Bytes token, Options options, Bytes payload) {
        return new Message(MessageType.CON, code, 0, token, options, payload);
    }

    /** Whether {@code number} is a signaling option this side understands for {@code code}. */
    static boolean known(Code code, int number) {
        if (code.equals(CSM)) {
            return number == MAX_MESSAGE_SIZE || number == BLOCK_WISE_TRANSFER;
        }
        if (code.equals(PING) || code.equals(PONG)) {
            return number == CUSTODY;
        }
        if (code.equals(RELEASE)) {
            return number == ALTERNATIVE_ADDRESS || number == HOLD_OFF;
        }
        return code.equals(ABORT) && number == BAD_CSM_OPTION;
    }

    /** The first critical (odd, RFC 8323 §5.2) option of a signaling message this side does not know, or -1. */
    static int unknownCritical(Message m) {
        Options options = m.options();
        for (int i = 0; i < options.size(); i++) {
            int number = options.get(i).number();
            if ((number & 1) == 1 && !known(m.code(), number)) {
                return number;
            }
        }
        return -1;
    }

    /** One-line summary of any message on a reliable transport, signaling in RFC 8323 terms. */
    static String describe(Message m) {
        Code c = m.code();
        if (c.codeClass() != 7) {
            String s = m.toString();
            return s.replaceFirst("^CON-", "").replaceFirst(" MID=\\d+", "");
        }
        String name = c.equals(CSM) ? "CSM" : c.equals(PING) ? "Ping" : c.equals(PONG) ? "Pong"
                : c.equals(RELEASE) ? "Release" : c.equals(ABORT) ? "Abort" : "Signal";
        StringBuilder sb = new StringBuilder(c.toString()).append(' ').append(name);
        if (!m.token().isEmpty()) {
            sb.append(" Token=").append(m.token());
        }
        Options options = m.options();
        for (int i = 0; i < options.size(); i++) {
            Option o = options.get(i);
            sb.append(' ').append(optionName(c, o.number()));
            if (!o.value().isEmpty()) {
                boolean text = c.equals(RELEASE) && o.number() == ALTERNATIVE_ADDRESS;
                sb.append('=').append(text ? o.value().utf8() : Long.toString(o.uintValue()));
            }
        }
        if (!m.payload().isEmpty()) {
            sb.append(" \"").append(m.payload().utf8()).append('"');
        }
        return sb.toString();
    }

    private static String optionName(Code c, int number) {
        if (!known(c, number)) {
            return "Option" + number;
        }
        if (c.equals(CSM)) {
            return number == MAX_MESSAGE_SIZE ? "Max-Message-Size" : "Block-Wise-Transfer";
        }
        if (c.equals(PING) || c.equals(PONG)) {
            return "Custody";
        }
        if (c.equals(RELEASE)) {
            return number == ALTERNATIVE_ADDRESS ? "Alternative-Address" : "Hold-Off";
        }
        return "Bad-CSM-Option";
    }
}
