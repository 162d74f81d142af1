package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What only the engine uses is not public API (issue 16): a client cannot set server-side fields. */
class ApiShapeTest {
    private static Stream<String> publicNames(Class<?> type) {
        return Stream.concat(Arrays.stream(type.getDeclaredMethods()), Arrays.stream(type.getDeclaredConstructors()))
                .filter(m -> Modifier.isPublic(m.getModifiers())).map(Member::getName);
    }

    @Test
    void requestBuilderOffersNoServerSideSetters() {
        assertThat(publicNames(Request.Builder.class)).doesNotContain("scheme", "peerIdentity", "acknowledger",
                "observeHandler", "multicast", "pathParams", "groupLimitRelease");
        assertThat(publicNames(Request.Builder.class)).contains("uri", "peer", "payload", "timeout", "observe");
    }

    @Test
    void observationHasNoPublicConstructorOrCanceller() {
        assertThat(Observation.class.getConstructors()).isEmpty();
        assertThat(publicNames(Observation.class)).doesNotContain("canceller")
                .contains("registered", "ended", "cancel", "close");
    }

    @Test
    void observableResourceHidesItsObserversAndCannotClashWithJavaUtil() {
        assertThat(publicNames(ObservableResource.class)).doesNotContain("addListener", "removeListener",
                "addObserver", "removeObserver");
        assertThat(ObservableResource.class.getDeclaredClasses()).isEmpty();
        assertThat(ObservableResource.class.getSimpleName()).isNotEqualTo("Observable");
    }
}
