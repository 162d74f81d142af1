package dev.tern.coap.dtls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.junit.jupiter.api.Test;

/** The metric tag of a failed handshake: an alert name (RFC 5246 §7.2) or one of a few words. */
class DtlsFailureReasonTest {
    @Test
    void alertsByName() {
        assertThat(HandshakeFailures.failureReason(new TlsFatalAlert(AlertDescription.handshake_failure)))
                .isEqualTo("handshake_failure");
        assertThat(HandshakeFailures.failureReason(new TlsFatalAlertReceived(AlertDescription.decrypt_error)))
                .isEqualTo("decrypt_error");
    }

    @Test
    void timeoutsAndTheRest() {
        assertThat(HandshakeFailures.failureReason(new TlsTimeoutException("no answer"))).isEqualTo("timeout");
        assertThat(HandshakeFailures.failureReason(new IllegalStateException("bug"))).isEqualTo("other");
    }
}
