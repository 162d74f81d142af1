package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.EncryptedStateFile;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registrations survive a graceful restart of the directory through the state SPI (issue 10 part
 * 6; RFC 9176 §5): same location, same links, and the registrant can update it there (§5.3.1)
 * without registering again. Records that do not decode are skipped whole.
 */
class RdRestartTest {
    private static final byte[] KEY = "rd restart state key, 32 bytes!!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void registrationsSurviveARestartAtTheirLocation() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        String base = "coap://127.0.0.1:" + port;
        String location;
        ResourceDirectory rd1 = ResourceDirectory.builder().build();
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, KEY);
        try (CoapServer s1 = CoapServer.builder().bind("127.0.0.1").port(port).service(rd1.router()).state(store1)
                .stateHolder(rd1).build().start();
             CoapClient client = CoapClient.create()) {
            assertThat(s1.port()).isEqualTo(port);
            Response reg = client.call(Request.post(base + "/rd?ep=lamp-1&lt=3600&base=coap://lamp.example")
                    .payload("</light>;rt=light-lux").contentFormat(40).build());
            assertThat(reg.code()).isEqualTo(Code.CREATED);
            location = "/" + String.join("/", reg.options().locationPath());
        }
        rd1.close();
        store1.close();

        ResourceDirectory rd2 = ResourceDirectory.builder().build();
        EncryptedStateFile store2 = EncryptedStateFile.open(dir, KEY);
        try (CoapServer s2 = CoapServer.builder().bind("127.0.0.1").port(port).service(rd2.router()).state(store2)
                .stateHolder(rd2).build().start();
             CoapClient client = CoapClient.create()) {
            assertThat(s2.port()).isEqualTo(port);
            assertThat(rd2.registrationCount()).isEqualTo(1);
            String eps = client.get(base + "/rd-lookup/ep").payloadString();
            assertThat(eps).contains("<" + location + ">").contains("ep=\"lamp-1\"").contains("base=\"coap://lamp.example\"");
            assertThat(client.get(base + "/rd-lookup/res?rt=light-lux").payloadString())
                    .contains("<coap://lamp.example/light>");
            assertThat(client.call(Request.post(base + location).build()).code()).isEqualTo(Code.CHANGED);
        } finally {
            rd2.close();
            store2.close();
        }
    }

    @Test
    void badRecordsAreSkippedWhole() {
        ResourceDirectory source = ResourceDirectory.builder().build();
        try (CoapServer s = CoapServer.builder().bind("127.0.0.1").port(0).service(source.router()).build().start();
             CoapClient client = CoapClient.create()) {
            client.call(Request.post("coap://127.0.0.1:" + s.port() + "/rd?ep=n1&base=coap://n1.example")
                    .payload("</a>").contentFormat(40).build());
        }
        byte[] good = source.exportState().values().iterator().next();
        source.close();
        ResourceDirectory target = ResourceDirectory.builder().build();
        try {
            for (int n = 0; n < good.length; n++) {
                target.restoreState(Map.of(Bytes.utf8("x"), Arrays.copyOf(good, n)));
            }
            target.restoreState(Map.of(Bytes.utf8("y"), Arrays.copyOf(good, good.length + 1)));
            assertThat(target.registrationCount()).isZero();
            target.restoreState(Map.of(Bytes.utf8("z"), good));
            assertThat(target.registrationCount()).isEqualTo(1);
        } finally {
            target.close();
        }
    }
}
