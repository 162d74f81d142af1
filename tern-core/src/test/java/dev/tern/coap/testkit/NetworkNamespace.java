package dev.tern.coap.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * "Another host" without leaving the machine: a private network namespace joined to this one by a
 * veth pair ({@code ip netns add}, {@code ip link add ... type veth}), with 10.237.N.1/30 on this
 * side and 10.237.N.2/30 inside, and {@code lo} up (with MULTICAST) inside. Nothing is routed beyond the pair, no
 * default route is touched. Needs root and {@code ip}; {@link #create()} returns empty (with the
 * reason in {@link #unavailable()}) when either is missing. {@link #close()} deletes the namespace,
 * which removes both ends of the pair.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static volatile String unavailable = "";

    private final String name;
    private final String hostSide;
    private final String inside;
    private final int subnet;

    private NetworkNamespace(String name, String hostSide, String inside, int subnet) {
        this.name = name;
        this.hostSide = hostSide;
        this.inside = inside;
        this.subnet = subnet;
    }

    /** Why the last {@link #create()} returned empty. */
    public static String unavailable() {
        return unavailable;
    }

    /** A new namespace with its veth pair up, or empty when namespaces cannot be made here. */
    public static Optional<NetworkNamespace> create() {
        int tag = ThreadLocalRandom.current().nextInt(0x10000);
        int subnet = ThreadLocalRandom.current().nextInt(1, 63) * 4;
        String name = String.format("tern-mc-%d-%04x", ProcessHandle.current().pid(), tag);
        NetworkNamespace ns = new NetworkNamespace(name, String.format("tmh%04x", tag), String.format("tmn%04x", tag),
                subnet);
        try {
            run("ip", "netns", "add", name);
        } catch (IOException e) {
            unavailable = "network namespaces unavailable (needs root and iproute2): " + e.getMessage();
            return Optional.empty();
        }
        try {
            run("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", ns.inside);
            run("ip", "link", "set", ns.inside, "netns", name);
            run("ip", "addr", "add", ns.hostAddress() + "/30", "dev", ns.hostSide);
            run("ip", "link", "set", ns.hostSide, "up");
            run("ip", "-n", name, "addr", "add", ns.insideAddress() + "/30", "dev", ns.inside);
            run("ip", "-n", name, "link", "set", ns.inside, "up");
            run("ip", "-n", name, "link", "set", "lo", "up", "multicast", "on");
            return Optional.of(ns);
        } catch (IOException e) {
            ns.close();
            unavailable = "cannot set up a veth pair into a namespace: " + e.getMessage();
            return Optional.empty();
        }
    }

    /** The address of this side of the pair. */
    public String hostAddress() {
        return "10.237." + subnet + ".1";
    }

    /** The address inside the namespace. */
    public String insideAddress() {
        return "10.237." + subnet + ".2";
    }

    /** This side of the pair, once the kernel lists it. */
    public NetworkInterface hostInterface() throws SocketException {
        NetworkInterface nif = NetworkInterface.getByName(hostSide);
        if (nif == null) {
            throw new SocketException("no interface " + hostSide);
        }
        return nif;
    }

    /** The name of the pair's end inside the namespace. */
    public String insideInterface() {
        return inside;
    }

    /** {@code command} run inside the namespace ({@code ip netns exec}). */
    public ProcessBuilder exec(List<String> command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(command);
        return new ProcessBuilder(line);
    }

    /** Whether {@code address} is this side's. */
    public boolean isHostAddress(InetAddress address) {
        return address.getHostAddress().equals(hostAddress());
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + " " + out);
        }
    }

    /** Deletes the namespace and with it the veth pair. */
    @Override
    public void close() {
        try {
            run("ip", "netns", "del", name);
        } catch (IOException e) {
            // already gone
        }
        try {
            if (NetworkInterface.getByName(hostSide) != null) {
                run("ip", "link", "del", hostSide);
            }
        } catch (IOException e) {
            // gone with the namespace
        }
    }
}
