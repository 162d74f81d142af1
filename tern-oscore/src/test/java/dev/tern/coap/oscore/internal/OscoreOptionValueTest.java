package dev.tern.coap.oscore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The OSCORE option value (RFC 8613 §6.1): round trips, and every malformed form is rejected. */
class OscoreOptionValueTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void encodesTheAppendixCForms() {
        assertThat(new OscoreOptionValue(hex("14"), hex(""), null).encode()).isEqualTo(hex("0914"));
        assertThat(new OscoreOptionValue(hex("14"), hex("00"), null).encode()).isEqualTo(hex("091400"));
        assertThat(new OscoreOptionValue(hex("14"), hex(""), hex("37cbf3210017a2d3")).encode())
                .isEqualTo(hex("19140837cbf3210017a2d3"));
        assertThat(new OscoreOptionValue(hex("00"), null, null).encode()).isEqualTo(hex("0100"));
        assertThat(new OscoreOptionValue(new byte[0], null, null).encode()).isEmpty();
    }

    @Test
    void decodesWhatItEncodes() throws Exception {
        OscoreOptionValue[] values = {
            new OscoreOptionValue(hex("0102030405"), hex("abcdef"), hex("")),
            new OscoreOptionValue(hex("14"), hex(""), hex("37cbf3210017a2d3")),
            new OscoreOptionValue(hex(""), hex("01"), null),
            new OscoreOptionValue(hex("00"), null, null),
            new OscoreOptionValue(hex(""), null, null),
        };
        for (OscoreOptionValue v : values) {
            assertThat(OscoreOptionValue.decode(v.encode())).isEqualTo(v);
        }
    }

    @Test
    void rejectsMalformedValues() {
        String[] malformed = {
            "20", // reserved bit 5
            "8114", // reserved bit 7
            "06010203040506", // n = 6 is reserved
            "07", // n = 7 is reserved
            "02", // Partial IV shorter than n
            "10", // h without s
            "1005aabb", // kid context shorter than s
            "0114ff", // trailing byte without k
            "00", // all flags zero must be an empty value
        };
        for (String m : malformed) {
            assertThatThrownBy(() -> OscoreOptionValue.decode(hex(m))).as(m)
                    .isInstanceOf(MalformedOscoreException.class);
        }
    }

    @Test
    void randomInputEitherParsesOrIsRejectedNeverCrashes() {
        Random r = new Random(8613);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[r.nextInt(20)];
            r.nextBytes(b);
            try {
                OscoreOptionValue v = OscoreOptionValue.decode(b);
                assertThat(v.partialIv().length).isLessThanOrEqualTo(5);
            } catch (MalformedOscoreException expected) {
                // rejected with a reason, as it should be
            }
        }
    }
}
