package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.util.OptionalLong;

/** RFC 8613 Appendix C inputs and helpers for the vector tests (tern-core's codec frames the messages). */
final class Vectors {
    static final Bytes SECRET = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");
    static final Bytes SALT = Bytes.fromHex("9e7ca92223786340");
    static final Bytes ID_CONTEXT = Bytes.fromHex("37cbf3210017a2d3");

    private Vectors() {
    }

    /** A store that starts every context at {@code first}, as the vectors' "Sender Sequence Number". */
    static SequenceNumberStore startingAt(long first) {
        return new SequenceNumberStore() {
            @Override
            public OptionalLong load(String contextKey) {
                return OptionalLong.of(first);
            }

            @Override
            public void store(String contextKey, long nextUnused) {
            }
        };
    }

    static SecurityContext context(String sid, String rid, Bytes salt, Bytes idContext, long firstSeq) {
        SecurityContext.Builder b = SecurityContext.builder().masterSecret(SECRET).masterSalt(salt)
                .senderId(Bytes.fromHex(sid)).recipientId(Bytes.fromHex(rid)).sequenceNumberStore(startingAt(firstSeq))
                .echoAfterStart(false); // the vectors show a context whose replay window is established
        if (idContext != null) {
            b.idContext(idContext);
        }
        return b.build();
    }

    static Message decode(String hex) {
        return (Message) MessageDecoder.decode(Bytes.fromHex(hex).toArray());
    }

    static OscoreMessage parts(Message m) {
        return new OscoreMessage(m.code(), m.options(), m.payload());
    }

    static String encode(Message header, OscoreMessage parts) {
        Message m = new Message(header.type(), parts.code(), header.messageId(), header.token(), parts.options(),
                parts.payload());
        return Bytes.wrap(MessageEncoder.encode(m)).hex();
    }
}
