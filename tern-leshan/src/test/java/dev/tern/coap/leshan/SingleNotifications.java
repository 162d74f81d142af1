package dev.tern.coap.leshan;

import java.util.List;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;

/** A Leshan observation listener that collects the notifications of single observations into a list. */
final class SingleNotifications implements ObservationListener {
    private final List<ObserveResponse> into;

    SingleNotifications(List<ObserveResponse> into) {
        this.into = into;
    }

    @Override
    public void newObservation(Observation observation, Registration registration) {
    }

    @Override
    public void cancelled(Observation observation) {
    }

    @Override
    public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
        into.add(response);
    }

    @Override
    public void onResponse(CompositeObservation observation, Registration registration,
                           ObserveCompositeResponse response) {
    }

    @Override
    public void onError(Observation observation, Registration registration, Exception error) {
    }
}
