package dev.tern.coap.bench;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encode + decode round trip of one message, Tern against Californium 3.14.
 *
 * <p>Each benchmark turns a message object into a datagram and parses that datagram back into a new
 * message object. The three messages are the same on both sides (checked byte for byte in
 * {@link #setUp}):
 *
 * <ul>
 *   <li>{@code conGet}: CON GET, 8-byte token, Uri-Host "example.com", Uri-Path "sensors"/"temp"</li>
 *   <li>{@code ackContent}: ACK 2.05, 8-byte token, Content-Format 0, Max-Age 60, 4-byte ETag,
 *       payload "Hello World!"</li>
 *   <li>{@code nonBlock2}: NON 2.05, 8-byte token, Observe 5, Block2 0/1/512, Size2 2048, 512-byte
 *       payload</li>
 * </ul>
 *
 * <p>Californium is driven through {@link UdpDataSerializer#getByteArray}, the serialization that
 * {@code serializeRequest}/{@code serializeResponse} run (those two cache the bytes in the message, so
 * calling them repeatedly would measure a field read), and {@link UdpDataParser#parseMessage(byte[])}.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
    private static final byte[] TOKEN = {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF};
    private static final byte[] ETAG = {0x12, 0x34, 0x56, 0x78};
    private static final int MID = 0x1234;

    /** Which message to round-trip. */
    @Param({"conGet", "ackContent", "nonBlock2"})
    public String message;

    private Message tern;
    private org.eclipse.californium.core.coap.Message californium;
    private final UdpDataSerializer serializer = new UdpDataSerializer();
    private final UdpDataParser parser = new UdpDataParser();

    /** Builds the message for both libraries and checks they encode to the same bytes. */
    @Setup
    public void setUp() {
        switch (message) {
            case "conGet" -> {
                tern = new Message(MessageType.CON, Code.GET, MID, Bytes.of(TOKEN), Options.of(
                        Option.ofString(OptionNumber.URI_HOST, "example.com"),
                        Option.ofString(OptionNumber.URI_PATH, "sensors"),
                        Option.ofString(OptionNumber.URI_PATH, "temp")), Bytes.EMPTY);
                Request r = new Request(CoAP.Code.GET, CoAP.Type.CON);
                r.setMID(MID);
                r.setToken(new Token(TOKEN));
                r.getOptions().setUriHost("example.com").addUriPath("sensors").addUriPath("temp");
                californium = r;
            }
            case "ackContent" -> {
                byte[] payload = "Hello World!".getBytes(StandardCharsets.UTF_8);
                tern = new Message(MessageType.ACK, Code.CONTENT, MID, Bytes.of(TOKEN), Options.of(
                        Option.ofUint(OptionNumber.CONTENT_FORMAT, 0),
                        Option.ofUint(OptionNumber.MAX_AGE, 60),
                        new Option(OptionNumber.ETAG, Bytes.of(ETAG))), Bytes.of(payload));
                Response r = new Response(CoAP.ResponseCode.CONTENT);
                r.setType(CoAP.Type.ACK);
                r.setMID(MID);
                r.setToken(new Token(TOKEN));
                r.getOptions().setContentFormat(0).setMaxAge(60).addETag(ETAG);
                r.setPayload(payload);
                californium = r;
            }
            case "nonBlock2" -> {
                byte[] payload = new byte[512];
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) ('a' + i % 26);
                }
                int block2 = 0 << 4 | 1 << 3 | 5; // NUM 0, M, SZX 5 (512 bytes)
                tern = new Message(MessageType.NON, Code.CONTENT, MID, Bytes.of(TOKEN), Options.of(
                        Option.ofUint(OptionNumber.OBSERVE, 5),
                        Option.ofUint(OptionNumber.BLOCK2, block2),
                        Option.ofUint(OptionNumber.SIZE2, 2048)), Bytes.of(payload));
                Response r = new Response(CoAP.ResponseCode.CONTENT);
                r.setType(CoAP.Type.NON);
                r.setMID(MID);
                r.setToken(new Token(TOKEN));
                r.getOptions().setObserve(5).setBlock2(new BlockOption(5, true, 0)).setSize2(2048);
                r.setPayload(payload);
                californium = r;
            }
            default -> throw new IllegalArgumentException(message);
        }
        byte[] t = MessageEncoder.encode(tern);
        byte[] c = serializer.getByteArray(californium);
        if (!Arrays.equals(t, c)) {
            throw new IllegalStateException(message + ": encodings differ\n tern " + HexFormat.of().formatHex(t)
                    + "\n   cf " + HexFormat.of().formatHex(c));
        }
        if (!(MessageDecoder.decode(t) instanceof Message decoded) || !decoded.equals(tern)) {
            throw new IllegalStateException(message + ": Tern round trip failed");
        }
        if (!Arrays.equals(serializer.getByteArray(parser.parseMessage(c)), c)) {
            throw new IllegalStateException(message + ": Californium round trip failed");
        }
    }

    /** Tern: {@link MessageEncoder#encode(Message)} then {@link MessageDecoder#decode(byte[])}. */
    @Benchmark
    public void tern(Blackhole bh) {
        byte[] bytes = MessageEncoder.encode(tern);
        bh.consume(bytes);
        bh.consume(MessageDecoder.decode(bytes));
    }

    /** Californium: {@code UdpDataSerializer.getByteArray} then {@code UdpDataParser.parseMessage}. */
    @Benchmark
    public void californium(Blackhole bh) {
        byte[] bytes = serializer.getByteArray(californium);
        bh.consume(bytes);
        bh.consume(parser.parseMessage(bytes));
    }
}
