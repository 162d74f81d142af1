package dev.tern.coap.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapMessageFormatException;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The kit's public message value, on Tern's own codec (RFC 7252 §3), and the kit's dependencies. */
class CoapMessageTest {
    /** RFC 7252 §3: CON GET, Message ID 0x7d34, Uri-Path "temperature", no token. */
    private static final String GET_TEMPERATURE = "40017d34bb74656d7065726174757265";

    @Test
    void encodesAndDecodesTheRfcExample() {
        CoapMessage get = CoapMessage.get(MessageType.CON, 0x7d34, Bytes.EMPTY, "/temperature");
        assertThat(Bytes.wrap(get.encode()).hex()).isEqualTo(GET_TEMPERATURE);
        assertThat(CoapMessage.decode(Bytes.fromHex(GET_TEMPERATURE).toArray())).isEqualTo(get);
        assertThat(get.toString()).contains("CON-GET", "temperature");
        assertThat(get.isEmpty()).isFalse();
    }

    @Test
    void emptyMessagesAndResponsesRoundTrip() {
        CoapMessage rst = CoapMessage.empty(MessageType.RST, 0xFFFF);
        assertThat(rst.isEmpty()).isTrue();
        assertThat(CoapMessage.decode(rst.encode())).isEqualTo(rst);
        CoapMessage content = CoapMessage.response(MessageType.ACK, Code.CONTENT, 1, Bytes.fromHex("01020304"), "22");
        assertThat(CoapMessage.decode(content.encode())).isEqualTo(content);
        assertThat(content.options()).isEqualTo(Options.EMPTY);
    }

    @Test
    void badFieldsAndBadDatagramsAreRejected() {
        assertThatThrownBy(() -> CoapMessage.empty(MessageType.ACK, 0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoapMessage.get(MessageType.CON, 1, Bytes.fromHex("010203040506070809"), "/a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoapMessage(null, Code.GET, 1, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CoapMessage.decode(new byte[] {0x40, 0x01}))
                .isInstanceOf(CoapMessageFormatException.class).hasMessageContaining("offset");
    }

    @Test
    void theKitNeedsTernCoreAndNoTestFramework() throws URISyntaxException {
        Path classes = Path.of(CoapMessage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor kit = ModuleFinder.of(classes).findAll().iterator().next().descriptor();
        assertThat(kit.name()).isEqualTo("dev.tern.coap.testkit");
        Set<String> requires = kit.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(requires).containsExactlyInAnyOrder("java.base", "dev.tern.coap");
        assertThat(kit.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.tern.coap.testkit");
    }
}
