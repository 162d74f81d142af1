package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Block option value (RFC 7959 §2.2). */
class BlockTest {
    @ParameterizedTest
    @CsvSource({"0,16", "1,32", "2,64", "3,128", "4,256", "5,512", "6,1024"})
    void szxAndSizeMapBothWays(int szx, int size) {
        assertThat(new Block(0, false, szx).size()).isEqualTo(size);
        assertThat(Block.szx(size)).isEqualTo(szx);
        assertThat(Block.isValidSize(size)).isTrue();
    }

    @Test
    void invalidSizesAreRejected() {
        for (int size : new int[] {0, 8, 15, 17, 48, 2048, -16}) {
            assertThat(Block.isValidSize(size)).isFalse();
            assertThatThrownBy(() -> Block.szx(size)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Block(0, false, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Block(Block.MAX_NUM + 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Block(-1, false, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        // num, more, szx, wire hex
        "0, false, 0, ''",          // all zero: the empty value
        "0, false, 6, 06",
        "0, true, 6, 0e",
        "1, false, 2, 12",
        "15, true, 4, fc",
        "16, false, 0, 0100",
        "4095, true, 6, fffe",
        "4096, false, 6, 010006",
        "1048575, true, 6, fffffe",
    })
    void goldenEncodings(int num, boolean more, int szx, String hex) {
        Block b = new Block(num, more, szx);
        Option o = b.toOption(OptionNumber.BLOCK2);
        assertThat(o.value().hex()).isEqualTo(hex);
        assertThat(Block.fromOption(o)).contains(b);
        assertThat(Block.fromValue(b.value())).contains(b);
    }

    @Test
    void overlongValuesDoNotDecode() {
        assertThat(Block.fromValue(1L << 24)).isEmpty();
        assertThat(Block.fromOption(new Option(OptionNumber.BLOCK1, Bytes.fromHex("00000016")))).isEmpty();
    }

    @Test
    void szx7DecodesAsBertWithNumIn1024ByteUnits() {
        // RFC 8323 §6: SZX 7 is BERT; NUM counts 1024-byte units (its Figure 14: 3 after 3072 bytes)
        Block b = Block.fromValue(0x3f).orElseThrow();
        assertThat(b).isEqualTo(new Block(3, true, Block.BERT_SZX));
        assertThat(b.isBert()).isTrue();
        assertThat(b.size()).isEqualTo(1024);
        assertThat(b.offset()).isEqualTo(3072);
        assertThat(b).hasToString("3/1/BERT");
        assertThat(b.toOption(OptionNumber.BLOCK1).value().hex()).isEqualTo("3f");
        assertThat(new Block(0, false, 6).isBert()).isFalse();
    }

    @Test
    void offsetAndText() {
        Block b = Block.ofSize(3, true, 64);
        assertThat(b.offset()).isEqualTo(192);
        assertThat(b).hasToString("3/1/64");
        assertThat(new Block(Block.MAX_NUM, false, 6).offset()).isEqualTo(1_073_740_800);
    }

    @Test
    void typedAccessorsOnOptions() {
        Options o = Options.of(Block.ofSize(2, true, 32).toOption(OptionNumber.BLOCK1),
                Option.ofUint(OptionNumber.BLOCK2, 0x0f));
        assertThat(o.block1()).contains(new Block(2, true, 1));
        assertThat(o.block2()).contains(new Block(0, true, Block.BERT_SZX)); // SZX 7: BERT, judged by the engine
        assertThat(o.has(OptionNumber.BLOCK2)).isTrue();
        assertThat(Options.EMPTY.block1()).isEmpty();
    }

    @Test
    void requestBuilderBlockOptions() {
        Request r = Request.get("coap://h/x").block2(4, 128).blockSize(64).build();
        assertThat(r.options().block2()).contains(new Block(4, false, 3));
        assertThat(r.blockSize()).hasValue(64);
        assertThat(r.toBuilder().build()).isEqualTo(r);
        assertThat(Request.get("coap://h/x").build().blockSize()).isEmpty();
        assertThatThrownBy(() -> Request.get("coap://h/x").blockSize(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configValidatesBlockSettings() {
        EndpointConfig d = EndpointConfig.defaults();
        assertThat(d.preferredBlockSize()).isEqualTo(1024);
        assertThat(d.maxBodySize()).isEqualTo(65_536);
        assertThat(d.maxBlockwiseTransfers()).isEqualTo(256);
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThatThrownBy(() -> EndpointConfig.builder().preferredBlockSize(2048).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointConfig.builder().maxBodySize(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointConfig.builder().blockwiseLifetime(java.time.Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configHasTheBlockwiseMemoryBounds() {
        EndpointConfig d = EndpointConfig.defaults();
        assertThat(d.maxBlockwiseBodiesPerAddress()).isEqualTo(4);
        assertThat(d.blockwiseFirstBlockLifetime()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(d.maxClientBlockwiseBytes()).isEqualTo(16L << 20);
        EndpointConfig c = EndpointConfig.builder().maxBlockwiseBodiesPerAddress(2)
                .blockwiseFirstBlockLifetime(java.time.Duration.ofSeconds(3)).maxClientBlockwiseBytes(1000).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThatThrownBy(() -> EndpointConfig.builder().maxBlockwiseBodiesPerAddress(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointConfig.builder().blockwiseFirstBlockLifetime(java.time.Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointConfig.builder().maxClientBlockwiseBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
