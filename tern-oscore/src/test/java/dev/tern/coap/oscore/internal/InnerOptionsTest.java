package dev.tern.coap.oscore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The OSCORE plaintext (RFC 8613 §5.3): code, inner options with extended deltas and lengths, payload. */
class InnerOptionsTest {
    @Test
    void appendixC4Plaintext() {
        byte[] p = InnerOptions.encode(Code.GET, Options.of(Option.ofString(11, "tv1")), Bytes.EMPTY);
        assertThat(p).isEqualTo(HexFormat.of().parseHex("01b3747631"));
    }

    @Test
    void roundTripsExtendedDeltasAndLengths() throws Exception {
        Options options = Options.of(Option.ofString(11, "x".repeat(300)), Option.ofUint(12, 50),
                Option.ofString(292 + 1000, "far"), new Option(4, Bytes.fromHex("0102")),
                Option.ofString(15, "q".repeat(20)));
        Bytes payload = Bytes.utf8("hello");
        InnerOptions.Plaintext back = InnerOptions.decode(InnerOptions.encode(Code.CONTENT, options, payload));
        assertThat(back.code()).isEqualTo(Code.CONTENT);
        assertThat(back.options()).isEqualTo(options);
        assertThat(back.payload()).isEqualTo(payload);
    }

    @Test
    void rejectsTruncatedAndReservedForms() {
        String[] malformed = {"", "01ff", "01d1", "01e100", "01f0", "01b37476"};
        for (String m : malformed) {
            assertThatThrownBy(() -> InnerOptions.decode(HexFormat.of().parseHex(m))).as(m)
                    .isInstanceOf(MalformedOscoreException.class);
        }
    }

    @Test
    void forgedLengthsNeverSizeAnAllocationOrCrash() {
        Random r = new Random(7252);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[1 + r.nextInt(24)];
            r.nextBytes(b);
            try {
                InnerOptions.decode(b);
            } catch (MalformedOscoreException expected) {
                // rejected with a reason
            }
        }
    }
}
