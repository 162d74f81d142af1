package dev.tern.coap.tcp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A hand-made RFC 6455 client for attack tests: raw upgrade request, raw frames (masked). */
final class RawWebSocket implements AutoCloseable {
    static final int BINARY = 2;
    static final int TEXT = 1;
    static final int CLOSE = 8;
    final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawWebSocket(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends the upgrade request and returns the response head. */
    String upgrade(String path, String protocol) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked frame (FIN set) with a payload length header claiming {@code claimed} bytes. */
    void sendHeader(int opcode, long claimed) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (claimed < 126) {
            f.write(0x80 | (int) claimed);
        } else if (claimed < 65536) {
            f.write(0x80 | 126);
            f.write((int) (claimed >> 8));
            f.write((int) claimed);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (claimed >> (8 * i)));
            }
        }
        f.write(new byte[4]); // mask key 0: payload bytes go as they are
        out.write(f.toByteArray());
        out.flush();
    }

    void send(int opcode, byte[] payload) throws IOException {
        sendHeader(opcode, payload.length);
        out.write(payload);
        out.flush();
    }

    /** One frame from the server: {opcode, payload...}; unmasked. */
    byte[] receive() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] frame = new byte[(int) len + 1];
        frame[0] = (byte) (b0 & 0x0F);
        in.readFully(frame, 1, (int) len);
        return frame;
    }

    /** Reads frames until a close frame; returns its status code, or -1 when the stream ended first. */
    int closeCode() throws IOException {
        try {
            while (true) {
                byte[] f = receive();
                if (f[0] == CLOSE) {
                    return f.length >= 3 ? ((f[1] & 0xFF) << 8) | (f[2] & 0xFF) : 1005;
                }
            }
        } catch (EOFException e) {
            return -1;
        }
    }

    /** Whether the server closed the TCP connection (read returns end of stream). */
    boolean closedByServer() throws IOException {
        InputStream raw = socket.getInputStream();
        try {
            while (raw.read() >= 0) {
                // drain what is left
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
