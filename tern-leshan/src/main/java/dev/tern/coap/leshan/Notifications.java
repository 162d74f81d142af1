package dev.tern.coap.leshan;

import dev.tern.coap.Response;
import java.util.concurrent.Executor;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.server.observation.LwM2mNotificationReceiver;
import org.eclipse.leshan.server.profile.ClientProfile;
import org.eclipse.leshan.server.profile.ClientProfileProvider;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications (RFC 7641 §4.2) to Leshan: on one thread, so that each observation's
 * notifications arrive in the order Tern accepted them (§3.4), and only for observations that
 * Leshan's registration store still holds; a notification of a forgotten one ends the Tern
 * observation. While Leshan's listeners are busy, each observation keeps only its newest waiting
 * notification (the latest state wins, §3.4, §4.5): what waits is bounded by the number of
 * observations, whatever a device sends.
 */
final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    private final LwM2mNotificationReceiver receiver;
    private final RegistrationStore store;
    private final ClientProfileProvider profiles;
    private final LwM2mDecoder decoder;
    private final Executor serial;
    /** For the end of observations: never dropped, unlike waiting notifications. */
    private final Executor other;

    Notifications(LwM2mNotificationReceiver receiver, RegistrationStore store, ClientProfileProvider profiles,
                  LwM2mDecoder decoder, Executor serial, Executor other) {
        this.other = other;
        this.receiver = receiver;
        this.store = store;
        this.profiles = profiles;
        this.decoder = decoder;
        this.serial = serial;
    }

    /**
     * Leshan takes a new observation (before any of its notifications): into the registration store,
     * where it replaces any observation of the same path, whose Tern observation is cancelled.
     */
    void established(TernServerEndpoint endpoint, Observation observation, Registration registration) {
        for (Observation replaced : store.addObservation(registration.getId(), observation, false)) {
            endpoint.forget(replaced.getId());
            receiver.cancelled(replaced);
        }
        receiver.newObservation(observation, registration);
    }

    /** The Tern observation ended (cancelled, refused by the device, or failed): Leshan forgets it. */
    void ended(String registrationId, ObservationIdentifier id) {
        other.execute(() -> {
            Observation removed = store.removeObservation(registrationId, id);
            if (removed != null) {
                receiver.cancelled(removed);
            }
        });
    }

    /** The newest waiting notification of each observation that has one. */
    private final java.util.concurrent.ConcurrentHashMap<ObservationIdentifier, Response> waiting =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Notifications waiting for Leshan, at most one per observation. */
    int pending() {
        return waiting.size();
    }

    /** A notification of the observation {@code id} of registration {@code registrationId}. */
    void deliver(TernServerEndpoint endpoint, String registrationId, ObservationIdentifier id, Response newest) {
        if (waiting.put(id, newest) != null) {
            return; // replaced the one waiting, whose delivery is scheduled
        }
        serial.execute(() -> {
            Response coap = waiting.remove(id);
            if (coap == null) {
                return;
            }
            Observation observation = store.getObservation(registrationId, id);
            Registration registration = store.getRegistration(registrationId);
            if (observation == null || registration == null) {
                LOG.debug("notification of unknown observation {}: cancelling it", id);
                endpoint.forget(id);
                return;
            }
            LwM2mPeer sender = registration.getClientTransportData();
            ClientProfile profile = profiles.getProfile(sender.getIdentity());
            if (profile == null) {
                endpoint.forget(id);
                return;
            }
            try {
                if (observation instanceof SingleObservation single) {
                    receiver.onNotification(single, sender, profile,
                            DownlinkResponses.notification(profile, single, coap, decoder));
                } else if (observation instanceof CompositeObservation composite) {
                    receiver.onNotification(composite, sender, profile,
                            DownlinkResponses.notification(profile, composite, coap, decoder));
                }
            } catch (RuntimeException e) {
                receiver.onError(observation, sender, profile, e);
            }
        });
    }
}
