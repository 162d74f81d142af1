package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void ipv6IsCompressed() {
        assertThat(Addresses.compress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Addresses.compress("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(Addresses.compress("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Addresses.compress("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Addresses.compress("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(Addresses.compress("ff02:0:0:0:0:0:0:fd")).isEqualTo("ff02::fd");
    }

    @Test
    void socketAddresses() throws Exception {
        assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 5683))).isEqualTo("[::1]:5683");
        assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1))).isEqualTo("127.0.0.1:1");
        assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByName("::"), 5683))).isEqualTo("[::]:5683");
    }

    @Test
    void durations() {
        assertThat(Addresses.seconds(Duration.ofSeconds(93))).isEqualTo("93 s");
        assertThat(Addresses.seconds(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(Addresses.seconds(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Addresses.millis(Duration.ofNanos(1_234_000))).isEqualTo("1.2 ms");
    }
}
