package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import org.junit.jupiter.api.Test;

/** {@link CoapHeaders#describe}: the one-byte unsigned options come from a table, the rest are formatted. */
class CoapHeadersTest {

    @Test
    void unsignedOptionsReadTheSameFromTheTableAndFormatted() {
        Options o = Options.builder().observe(0).contentFormat(0).maxAge(255).accept(50)
                .add(OptionNumber.SIZE2, 1024).build();
        assertThat(CoapHeaders.describe(o))
                .isEqualTo("Observe=0, Content-Format=0, Max-Age=255, Accept=50, Size2=1024");
        assertThat(CoapHeaders.describe(Options.builder().maxAge(256).contentFormat(11542).build()))
                .isEqualTo("Content-Format=11542, Max-Age=256");
        // a non-minimal encoding of 7 (RFC 7252 §3.2 allows leading zeros to be sent) still reads 7
        assertThat(CoapHeaders.describe(Options.builder().add(OptionNumber.MAX_AGE, Bytes.of(new byte[] {0, 7})).build()))
                .isEqualTo("Max-Age=7");
        assertThat(CoapHeaders.describe(Options.builder().add(OptionNumber.MAX_AGE, Bytes.EMPTY).build()))
                .isEqualTo("Max-Age=0");
    }
}
