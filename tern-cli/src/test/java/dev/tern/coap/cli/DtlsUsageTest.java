package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DTLS flags that do not fit together are usage errors (exit 2), found before any datagram is sent. */
class DtlsUsageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "get coaps://127.0.0.1/hello | coaps:// needs credentials: -u ID -k KEY",
        "ping coaps://127.0.0.1 | coaps:// needs credentials",
        "discover coaps://127.0.0.1 | coaps:// needs credentials",
        "observe coaps://127.0.0.1/obs | coaps:// needs credentials",
        "get coap://127.0.0.1/hello -u dev1 -k secret | -u, -k: DTLS options need a coaps:// URI, not coap://127.0.0.1/hello",
        "get 127.0.0.1/hello -n | -n: DTLS options need a coaps:// URI",
        "ping coap://127.0.0.1 --cid | --cid: DTLS options need a coaps:// URI",
        "get coaps://127.0.0.1/hello -u dev1 | -u needs -k KEY",
        "get coaps://127.0.0.1/hello -k secret | -k needs -u ID",
        "get coaps://127.0.0.1/hello -u dev1 -k 0x123 | -k: a hex key needs an even number of digits",
        "get coaps://127.0.0.1/hello -u dev1 -k hex:zz | -k: not a hex key",
        "get coaps://127.0.0.1/hello -u dev1 -k 0x | -k: the pre-shared key is empty",
        "get coaps://127.0.0.1/hello -u dev1 -k @/no/such/key | -k: no such file: /no/such/key",
        "get coaps://127.0.0.1/hello --rpk -n | --rpk needs -j FILE",
        "get coaps://127.0.0.1/hello -j k.pem -n | -j needs --cert FILE (X.509) or --rpk",
        "get coaps://127.0.0.1/hello -n -C ca.pem | -n trusts any server; leave out -C and --trusted-key",
        "get coaps://127.0.0.1/hello -C /no/such/ca.pem | -C: no such file: /no/such/ca.pem",
        "get coaps://127.0.0.1/hello -n --rpk -j /no/such/key.pem | -j: no such file: /no/such/key.pem",
        "bench coaps://127.0.0.1/hello | tern bench speaks coap:// only",
        "discover coaps://224.0.1.187 -n | multicast discovery is coap:// only",
        "get http://127.0.0.1/ | unsupported scheme 'http' (expected coap, coaps, coap+tcp, coaps+tcp, coap+ws or coaps+ws)",
        "get coaps+tcp://127.0.0.1/ | coaps+tcp:// and coaps+ws:// need -C FILE (trusted CA certificates), --trusted-key FILE",
        "get coaps+ws://127.0.0.1/ --rpk -j k.pem -C ca.pem | over TLS, -u/-k (pre-shared key) and --rpk/--trusted-key (raw public keys) cannot be combined with -c or -C",
        "get coaps+tcp://127.0.0.1/ -u dev1 -k secret -n | and -n only with raw public keys",
        "serve --tls --rpk -j k.pem -C ca.pem | -C (trusted CA certificates) needs an X.509 server (-c) over TLS",
        "serve --tls -c c.pem -j k.pem --trusted-key k.pem | --tls and --wss take either X.509 (-c/-j, -C) or pre-shared and raw public keys",
        "serve --tls --ws-port 70000 -c c.pem | --tls-port, --ws-port and --wss-port must be 0..65535: 70000",
        "serve --tcp --tcp-port 70000 | --tcp-port must be 0..65535: 70000",
        "serve --psk-identity dev1 --psk-key secret | DTLS options need --dtls",
        "serve --dtls-port 0 | DTLS options need --dtls",
        "serve --dtls | --dtls needs credentials: --psk-identity ID --psk-key KEY, --psk-file FILE",
        "serve --dtls --psk-identity dev1 | --psk-identity needs --psk-key KEY",
        "serve --dtls --dtls-port 70000 -u dev1 -k x | --dtls-port must be 0..65535: 70000",
        "serve --dtls -u dev1 -k x -C ca.pem | -C and --trusted-key authenticate clients of a certificate or raw public key server",
        "serve --dtls --rpk | --rpk needs -j FILE",
        "serve --dtls --rpk -j k.pem -c c.pem | --rpk uses the -j key as a raw public key; leave out --cert",
        "serve --dtls -c c.pem -j k.pem --client-auth needed | --client-auth needed needs -C FILE or --trusted-key FILE",
        "serve --dtls -u dev1 -k secret --psk-file /no/such/file | --psk-file: no such file: /no/such/file",
        "serve --dtls -c /no/such/cert.pem | --cert: no such file: /no/such/cert.pem",
        "get coaps://127.0.0.1/x -u a -k b -u c | option '--psk-identity' (ID) should be specified only once",
        "get coaps://127.0.0.1/x -n -u a -k b -n | option '--insecure' should be specified only once",
        "observe coaps://127.0.0.1/x -n --cert a -j b --cert c | option '--cert' (FILE) should be specified only once",
        "serve --dtls -u a -k b --rpk -u c | option '--psk-identity' (ID) should be specified only once",
    })
    void usageErrors(String line, String message) {
        Captured c = new Captured(false);
        assertThat(c.run(line.split(" "))).as(line).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).as(line).startsWith("tern: ").contains(message);
        assertThat(c.out()).isEmpty();
    }

    @Test
    void repeatableFlagsCollectEveryValue() {
        RequestCommand get = (RequestCommand) Main.commandLine(new Captured(false).io)
                .parseArgs("get", "-C", "a.pem", "-u", "dev1", "--trusted-key", "k1.pem", "-k", "x", "-C", "b.pem",
                        "--trusted-key", "k2.pem", "coaps://h/")
                .subcommand().commandSpec().userObject();
        assertThat(get.dtls.caCerts).containsExactly(Path.of("a.pem"), Path.of("b.pem"));
        assertThat(get.dtls.trustedKeys).containsExactly(Path.of("k1.pem"), Path.of("k2.pem"));
        assertThat(get.dtls.pskIdentity).isEqualTo("dev1");
        assertThat(get.dtls.pskKey).isEqualTo("x");
    }

    @Test
    void observeHasNoShortCertFlag() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-c", "x", "coaps://127.0.0.1/obs")).isEqualTo(ExitCodes.USAGE);
        Captured help = new Captured(false);
        assertThat(help.run("observe", "--help")).isZero();
        assertThat(help.out()).contains("      --cert=FILE").contains("-c, --count=N").contains("-u, --psk-identity=ID");
    }

    @Test
    void helpListsTheDtlsFlags() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "--help")).isZero();
        assertThat(c.out()).startsWith("Usage: tern get ").contains("DTLS, for coaps:// URIs:").contains("-u, --psk-identity=ID")
                .contains("-k, --psk-key=KEY").contains("-c, --cert=FILE").contains("-j, --key=FILE")
                .contains("-C, --cacert=FILE").contains("--rpk").contains("--trusted-key=FILE")
                .contains("-n, --insecure").contains("--cid");
        Captured serve = new Captured(false);
        assertThat(serve.run("serve", "--help")).isZero();
        assertThat(serve.out()).contains("--dtls").contains("--dtls-port=PORT").contains("--psk-file=FILE")
                .contains("--client-auth=MODE");
    }

    @Test
    void malformedPemIsAUsageError() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not PEM at all\n");
        Captured c = new Captured(false);
        assertThat(c.run("get", "coaps://127.0.0.1/x", "-C", garbage.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).startsWith("tern: -C: cannot use " + garbage + ": no certificate in " + garbage);
        Captured serve = new Captured(false);
        assertThat(serve.run("serve", "--port", "0", "--dtls", "--rpk", "-j", garbage.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(serve.err()).startsWith("tern: -j: cannot use " + garbage + ": no private key in " + garbage);
    }
}
