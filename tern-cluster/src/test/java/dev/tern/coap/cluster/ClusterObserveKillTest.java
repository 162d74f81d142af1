package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Observations across a {@code kill -9}: three node JVMs ({@link NodeMain}) behind nginx (coap and
 * coaps listeners, deploy/nginx-coap.conf's hash), {@value #PER_KIND} coap and {@value #PER_KIND}
 * coaps observers of {@code /time} on distinct 127.0.0.x addresses. The node holding the most coap
 * observers (at least 3 of 8) is killed with SIGKILL. Each of its observations resumes on another node, in the same
 * {@link Observation} (the client re-registers with the same token when Max-Age 1 passes without a
 * notification, RFC 7641 §3.3.1; the DTLS ones after an abbreviated handshake); the others go on.
 * The observations run for {@value #RUN_BEFORE_KILL_S} s first, so the lost relations' Observe
 * numbers are well above the new ones' (which start again at 2): a client ordering the new relation's
 * notifications against the old one's (§3.4) would drop them for that long.
 */
class ClusterObserveKillTest {
    private static final int NODES = 3;
    private static final int PER_KIND = 8;
    private static final int RUN_BEFORE_KILL_S = 30;
    /**
     * Measured 6-24 s: nginx keeps a client's UDP flow on the dead node until a send to it fails, and the
     * client's re-registration (3.1 s after the last notification) is retransmitted at 2-3, 4-6, 8-12 s.
     */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(40);

    private record Seen(long nanos, String node) {
    }

    @Test
    void everyObservationOfAKilledNodeResumesOnAnother() throws Exception {
        List<Process> processes = new ArrayList<>();
        List<CoapClient> clients = new ArrayList<>();
        try (Processes.Redis redis = new Processes.Redis()) {
            List<Processes.Node> nodes = Processes.nodes(NODES, redis.uri(), processes);
            try (Processes.Nginx nginx = new Processes.Nginx(nodes.stream().map(Processes.Node::coapsPort).toList(),
                    nodes.stream().map(Processes.Node::coapPort).toList())) {
                Map<String, List<Seen>> seen = new HashMap<>();
                Map<String, Observation> observations = new HashMap<>();
                for (int i = 0; i < 2 * PER_KIND; i++) {
                    boolean dtls = i >= PER_KIND;
                    CoapClient.Builder b = CoapClient.builder()
                            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i)), 0));
                    if (dtls) { // idle 2 s (no notification for twice Max-Age): resume before sending
                        b.security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true)
                                .resumeAfterIdle(Duration.ofSeconds(2)).build()));
                    }
                    CoapClient c = b.build();
                    clients.add(c);
                    String name = (dtls ? "coaps" : "coap") + " observer " + i;
                    List<Seen> mine = new CopyOnWriteArrayList<>();
                    seen.put(name, mine);
                    String uri = dtls ? "coaps://127.0.0.1:" + nginx.port + "/time"
                            : "coap://127.0.0.1:" + nginx.coapPort + "/time";
                    observations.put(name, c.observe(Request.get(uri).build(), r -> mine.add(new Seen(System.nanoTime(),
                            r.payloadString().substring(0, r.payloadString().indexOf(' ', 5))))));
                }
                for (Observation o : observations.values()) {
                    o.registered().get(30, TimeUnit.SECONDS);
                }
                await().pollDelay(Duration.ofSeconds(RUN_BEFORE_KILL_S)).atMost(Duration.ofSeconds(RUN_BEFORE_KILL_S + 30))
                        .until(() -> seen.values().stream().allMatch(l -> l.size() >= RUN_BEFORE_KILL_S / 2));
                Map<String, String> holder = new HashMap<>();
                Map<String, Integer> load = new HashMap<>();
                seen.forEach((name, l) -> holder.put(name, l.get(l.size() - 1).node()));
                holder.forEach((name, n) -> load.merge(n, name.startsWith("coap ") ? 1 : 0, Integer::sum));
                String victim = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                long killed = System.nanoTime();
                nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow()
                        .process().destroyForcibly().waitFor();
                // a notification the victim sent just before it died may still arrive through nginx
                long settled = System.nanoTime() + 500_000_000L;
                try {
                    await().atMost(RESUME_BOUND).pollInterval(Duration.ofMillis(200)).until(() -> seen.values().stream()
                            .allMatch(l -> l.stream().anyMatch(s -> s.nanos() > killed && !s.node().equals(victim))));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("not resumed: " + seen.entrySet().stream().filter(en -> en.getValue()
                            .stream().noneMatch(s -> s.nanos() > killed && !s.node().equals(victim))).map(Map.Entry::getKey)
                            .toList() + "; nginx: " + nginx.errorLog(), e);
                }
                List<Double> gaps = new ArrayList<>();
                seen.forEach((name, l) -> {
                    assertThat(observations.get(name).ended()).as(name + " goes on").isNotDone();
                    Seen first = l.stream().filter(s -> s.nanos() > killed).findFirst().orElseThrow();
                    if (holder.get(name).equals(victim)) {
                        first = l.stream().filter(s -> s.nanos() > settled).findFirst().orElseThrow();
                        assertThat(first.node()).as(name + ", half a second after the kill").isNotEqualTo(victim);
                        gaps.add((first.nanos() - killed) / 1e9);
                    } else {
                        assertThat(first.node()).as(name + " stays on its node").isEqualTo(holder.get(name));
                    }
                });
                gaps.sort(null);
                System.out.printf("kill -9 of %s holding %d of %d observations: each resumed on another node after"
                        + " %s s (kill to first new notification)%n", victim, gaps.size(), seen.size(),
                        gaps.stream().map(g -> String.format("%.1f", g)).toList());
            }
        } finally {
            clients.forEach(CoapClient::close);
            for (Process p : processes) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
