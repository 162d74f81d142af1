package dev.tern.coap.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The signed cancel of a mirrored relation or client observation: only a member, for the kind and
 * the node named, fresh, with the code the kind takes.
 */
class RelationTextTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long SKEW = 30_000;
    private final ClusterKeys keys = new ClusterKeys("0123456789abcdef-cluster".getBytes(StandardCharsets.UTF_8));
    private final String id = RelationText.id(keys.controlMac(), new InetSocketAddress("127.0.0.1", 5683),
            Bytes.fromHex("abcd"));

    @Test
    void aSignedFreshCancelForThisNodeVerifies() {
        String m = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.SERVICE_UNAVAILABLE, NOW);
        RelationText.Cancel c = RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, m, NOW + SKEW, SKEW);
        assertThat(c).isEqualTo(new RelationText.Cancel(id, Code.SERVICE_UNAVAILABLE));
        assertThat(id).hasSize(32).doesNotContain("abcd");
    }

    @Test
    void otherNodesStaleOnesSuccessCodesAndOtherSecretsAreRejected() {
        String forNode3 = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.NOT_FOUND, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 4, forNode3, NOW, SKEW)).isNull();
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, forNode3, NOW + SKEW + 1, SKEW)).isNull();
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, forNode3, NOW - SKEW - 1, SKEW)).isNull();
        String success = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.CONTENT, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, success, NOW, SKEW)).isNull();
        ClusterKeys other = new ClusterKeys("another cluster secret!!".getBytes(StandardCharsets.UTF_8));
        String forged = RelationText.cancel(other.controlMac(), MirrorKind.RELATIONS, 3, id, Code.NOT_FOUND, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, forged, NOW, SKEW)).isNull();
    }

    @Test
    void malformedOrOversizedMessagesAreRejected() {
        String good = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.NOT_FOUND, NOW);
        for (String m : new String[] {"", " ", "3", good + " x", good.replace(' ', '\t'), good.substring(0, 20),
                good.substring(0, good.lastIndexOf(' ') + 1) + "zz", "x".repeat(RelationText.MAX_CANCEL + 1)}) {
            assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, m, NOW, SKEW)).as(m).isNull();
        }
    }

    @Test
    void aCancelOfOneKindIsNotTakenForTheOther() {
        String relation = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.SERVICE_UNAVAILABLE, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, relation, NOW, SKEW)).isNull();
        String observation = RelationText.cancel(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, id, Code.EMPTY, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.RELATIONS, 3, observation, NOW, SKEW)).isNull();
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, observation, NOW, SKEW))
                .isEqualTo(new RelationText.Cancel(id, Code.EMPTY));
        // the MAC covers the kind: a relation-keyed message is no observation cancel, whatever its code
        String relationMac = RelationText.cancel(keys.controlMac(), MirrorKind.RELATIONS, 3, id, Code.EMPTY, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, relationMac, NOW, SKEW)).isNull();
        // an observation is deregistered (RFC 7641 §3.6), not ended with a code
        String withCode = RelationText.cancel(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, id, Code.NOT_FOUND, NOW);
        assertThat(RelationText.verify(keys.controlMac(), MirrorKind.OBSERVATIONS, 3, withCode, NOW, SKEW)).isNull();
    }
}
