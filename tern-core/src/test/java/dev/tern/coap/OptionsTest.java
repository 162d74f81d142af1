package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Options}: the allocation-saving paths behave like the general ones. */
class OptionsTest {
    private static final Option PATH_A = Option.ofString(OptionNumber.URI_PATH, "a");
    private static final Option PATH_B = Option.ofString(OptionNumber.URI_PATH, "b");
    private static final Option HOST = Option.ofString(OptionNumber.URI_HOST, "h");
    private static final Option QUERY = Option.ofString(OptionNumber.URI_QUERY, "q=1");

    @Test
    void wrapTakesTheArrayAndSortsItStably() {
        Option[] array = {QUERY, PATH_A, HOST, PATH_B};
        Options wrapped = Options.wrap(array);
        assertThat(wrapped).isEqualTo(Options.of(QUERY, PATH_A, HOST, PATH_B));
        assertThat(wrapped.all()).containsExactly(HOST, PATH_A, PATH_B, QUERY);
        assertThat(Options.wrap(new Option[0])).isSameAs(Options.EMPTY);
        assertThatThrownBy(() -> Options.wrap(new Option[] {HOST, null})).isInstanceOf(NullPointerException.class);
    }

    @Test
    void uriPathAndQueryLists() {
        assertThat(Options.EMPTY.uriPath()).isEmpty();
        assertThat(Options.of(HOST, PATH_A).uriPath()).containsExactly("a");
        assertThat(Options.of(PATH_A, QUERY, PATH_B).uriPath()).containsExactly("a", "b");
        assertThat(Options.of(PATH_A, QUERY, PATH_B).uriQuery()).containsExactly("q=1");
        List<String> two = Options.of(PATH_A, PATH_B).uriPath();
        assertThatThrownBy(() -> two.set(0, "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Options.of(PATH_A).uriPath().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void sharedContentFormatOptionsEqualBuiltOnes() {
        for (int format : new int[] {0, 40, 50, 60, 127, 128, 11542}) {
            Options shared = Options.ofContentFormat(format);
            assertThat(shared).isEqualTo(Options.builder().contentFormat(format).build());
            assertThat(shared.contentFormat()).hasValue(format);
        }
        assertThat(Options.ofContentFormat(0)).isSameAs(Options.ofContentFormat(0));
        Response r = Response.builder(Code.CONTENT).contentFormat(50).maxAge(5).contentFormat(0).build();
        assertThat(r.options()).isEqualTo(Options.builder().maxAge(5).contentFormat(0).build());
        assertThat(Response.content("x").options()).isEqualTo(Options.builder().contentFormat(0).build());
    }

    @Test
    void uintZeroIsTheEmptyValue() {
        assertThat(Option.encodeUint(0)).isEmpty();
        assertThat(Option.ofUint(OptionNumber.CONTENT_FORMAT, 0).value()).isSameAs(Bytes.EMPTY);
        assertThat(Option.encodeUint(256)).containsExactly(1, 0);
    }

    @Test
    void codesFromTheWireAreShared() {
        assertThat(Code.fromWire(0x45)).isEqualTo(Code.CONTENT).isSameAs(Code.fromWire(0x45));
        for (int v = 0; v < 256; v++) {
            assertThat(Code.fromWire(v).wireValue()).isEqualTo(v);
        }
        assertThat(Code.fromWire(0x145)).isEqualTo(Code.CONTENT);
    }
}
