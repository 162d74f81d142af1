package dev.tern.coap.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Request;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateRecordsTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40123);

    private static Request registration(Bytes token) {
        return Request.get("coap://127.0.0.1/sensors/temp?unit=c").peer(PEER).token(token)
                .options(o -> o.observe(0)).build();
    }

    @Test
    void observeRelationRoundTrips() {
        Bytes token = Bytes.fromHex("0a0b0c0d");
        ObserveRelationState s = new ObserveRelationState(PEER, "PRE_SHARED_KEY:dev1", registration(token), token, 4711);
        ObserveRelationState back = ObserveRelationState.decode(s.encode());
        assertThat(back.peer()).isEqualTo(PEER);
        assertThat(back.identity()).contains("PRE_SHARED_KEY:dev1");
        assertThat(back.token()).isEqualTo(token);
        assertThat(back.lastObserve()).isEqualTo(4711);
        assertThat(back.request().path()).isEqualTo("/sensors/temp");
        assertThat(back.request().query()).containsExactly("unit=c");
        assertThat(back.request().isObserveRegistration()).isTrue();
        assertThat(back.key()).isEqualTo(s.key());
    }

    @Test
    void clientObservationRoundTrips() {
        Bytes token = Bytes.fromHex("01020304050607");
        ClientObservationState s = new ClientObservationState(PEER, registration(token), token);
        ClientObservationState back = ClientObservationState.decode(s.encode());
        assertThat(back.server()).isEqualTo(PEER);
        assertThat(back.token()).isEqualTo(token);
        assertThat(back.request().path()).isEqualTo("/sensors/temp");
    }

    @Test
    void everyTruncationAndWrongVersionIsRejectedWithAReason() {
        Bytes token = Bytes.fromHex("0a0b");
        byte[] good = new ObserveRelationState(PEER, "", registration(token), token, 7).encode();
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> ObserveRelationState.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] v2 = good.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> ObserveRelationState.decode(v2)).hasMessageContaining("version 2");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ObserveRelationState.decode(longer)).hasMessageContaining("trailing");
    }

    @Test
    void inMemoryStoreKeepsNamespacesApart() {
        StateStore store = StateStore.inMemory();
        store.put("a", Bytes.utf8("k"), new byte[] {1});
        store.save("b", Map.of(Bytes.utf8("k"), new byte[] {2}));
        assertThat(store.load("a").get(Bytes.utf8("k"))).containsExactly(1);
        assertThat(store.load("b").get(Bytes.utf8("k"))).containsExactly(2);
        store.remove("a", Bytes.utf8("k"));
        assertThat(store.load("a")).isEmpty();
        assertThat(store.load("none")).isEmpty();
    }
}
