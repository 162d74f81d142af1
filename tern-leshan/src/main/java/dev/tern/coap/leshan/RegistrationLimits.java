package dev.tern.coap.leshan;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;

/**
 * The registration bounds of a server (OMA LwM2M 1.1 Transport §6.2.1): at most {@code max}
 * registrations, and at most {@code perAddress} of them held by unauthenticated devices of one IP
 * address. A registration counts from its 2.01 until Leshan reports it gone (deregistered, expired,
 * or replaced by the same endpoint's new registration). Thread-safe; the check and the count of a
 * registration happen under one lock, so concurrent registrations cannot overshoot.
 */
final class RegistrationLimits implements RegistrationListener {
    private final int max;
    private final int perAddress;
    /** The address of each counted registration; null for an authenticated device. */
    private final Map<String, InetAddress> byId = new HashMap<>();
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();

    RegistrationLimits(int max, int perAddress) {
        this.max = max;
        this.perAddress = perAddress;
    }

    /** Whether a new device may register; {@code address} is null for an authenticated one. */
    synchronized boolean admits(InetAddress address) {
        if (byId.size() >= max) {
            return false;
        }
        return address == null || byAddress.getOrDefault(address, 0) < perAddress;
    }

    /** A registration was created. */
    synchronized void added(String registrationId, InetAddress address) {
        if (byId.containsKey(registrationId)) {
            return;
        }
        byId.put(registrationId, address);
        if (address != null) {
            byAddress.merge(address, 1, Integer::sum);
        }
    }

    /** Registrations counted now. */
    synchronized int size() {
        return byId.size();
    }

    /** A registration is gone; counting it twice is harmless. */
    synchronized void removed(String registrationId) {
        if (!byId.containsKey(registrationId)) {
            return;
        }
        InetAddress address = byId.remove(registrationId);
        if (address != null) {
            byAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    @Override
    public void registered(Registration registration, Registration previousReg,
                           Collection<Observation> previousObservations) {
        // counted at its 2.01 already
    }

    @Override
    public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
        // same registration, same count
    }

    @Override
    public void unregistered(Registration registration, Collection<Observation> observations, boolean expired,
                             Registration newReg) {
        removed(registration.getId());
    }
}
