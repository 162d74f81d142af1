package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import org.junit.jupiter.api.Test;

/** libcoap's OSCORE configuration files (coap-oscore-conf(5)) read into security contexts. */
class OscoreConfigFileTest {
    private static final String C11_CLIENT = "# RFC 8613 C.1.1\n"
            + "master_secret,hex,\"0102030405060708090a0b0c0d0e0f10\"\n"
            + "master_salt,hex,\"9e7ca92223786340\"\n"
            + "sender_id,hex,\"\"\n"
            + "recipient_id,hex,\"01\"\n"
            + "replay_window,integer,30\n"
            + "ssn_freq,integer,20\n"
            + "aead_alg,integer,10\n"
            + "hkdf_alg,integer,-10\n"
            + "rfc8613_b_1_2,bool,false\n";

    @Test
    void readsTheAppendixC11ClientContext() {
        SecurityContext ctx = OscoreConfigFile.parse(C11_CLIENT).build();
        assertThat(ctx.senderId()).isEqualTo(Bytes.EMPTY);
        assertThat(ctx.recipientId()).isEqualTo(Bytes.fromHex("01"));
        assertThat(ctx.replayWindowSize()).isEqualTo(30);
        assertThat(ctx.replayWindowKnown()).isTrue();
        assertThat(Bytes.wrap(ctx.senderKey())).isEqualTo(Bytes.fromHex("f0910ed7295e6ad4b54fc793154302ff"));
        assertThat(Bytes.wrap(ctx.commonIv())).isEqualTo(Bytes.fromHex("4622d4dd6d944168eefb54987c"));
    }

    @Test
    void asciiIdsAndIdContext() {
        SecurityContext ctx = OscoreConfigFile.parse("master_secret,ascii,\"a secret of 16 b\"\n"
                + "sender_id,ascii,\"client\"\nrecipient_id,ascii,\"server\"\nid_context,hex,\"37cbf3210017a2d3\"\n"
                + "aead_alg,integer,24\n").build();
        assertThat(ctx.senderId()).isEqualTo(Bytes.utf8("client"));
        assertThat(ctx.idContext()).contains(Bytes.fromHex("37cbf3210017a2d3"));
        assertThat(ctx.algorithm()).isEqualTo(AeadAlgorithm.CHACHA20_POLY1305);
    }

    @Test
    void errorsNameTheLineButNeverTheSecret() {
        String[] bad = {
            "master_secret,hex,\"zz11\"\n",
            "master_secret,hex,\"0102\"\nsender_id,hex,\"01\"\nrecipient_id,hex,\"02\"\nhkdf_alg,integer,-11\n",
            "master_secret,hex,\"0102\"\nsender_id,hex,\"01\"\nrecipient_id,hex,\"02\"\nrecipient_id,hex,\"03\"\n",
            "master_secret,hex,\"0102\"\nbogus,hex,\"01\"\n",
            "master_secret,hex,0102\n",
            "master_secret,hex,\"0102\"\nsender_id,hex,\"01\"\n",
            "master_secret,hex,\"0102\"\nsender_id,hex,\"01\"\nrecipient_id,hex,\"02\"\nrfc8613_b_2,bool,maybe\n",
        };
        for (String text : bad) {
            assertThatThrownBy(() -> OscoreConfigFile.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("0102").doesNotContain("zz11"));
        }
    }
}
