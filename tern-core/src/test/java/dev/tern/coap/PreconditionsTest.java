package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
    private static final Bytes CURRENT = Bytes.fromHex("0102030405060708");
    private static final Bytes OTHER = Bytes.fromHex("aabb");

    private static Request put(Consumer<Options.Builder> options) {
        return Request.builder(Method.PUT).path("/doc").options(options).payload("new").build();
    }

    private static Optional<Code> check(Request r, Optional<Bytes> current) {
        return Preconditions.check(r, current).map(Response::code);
    }

    @Test
    void noConditionsAlwaysPass() {
        Request r = put(o -> { });
        assertThat(check(r, Optional.of(CURRENT))).isEmpty();
        assertThat(check(r, Optional.empty())).isEmpty();
    }

    @Test
    void ifMatchWithTheCurrentEtagPasses() {
        assertThat(check(put(o -> o.ifMatch(CURRENT)), Optional.of(CURRENT))).isEmpty();
    }

    @Test
    void ifMatchWithAnyListedValuePasses() {
        assertThat(check(put(o -> o.ifMatch(OTHER).ifMatch(CURRENT)), Optional.of(CURRENT))).isEmpty();
    }

    @Test
    void ifMatchMismatchFails() {
        assertThat(check(put(o -> o.ifMatch(OTHER)), Optional.of(CURRENT))).contains(Code.PRECONDITION_FAILED);
    }

    @Test
    void emptyIfMatchMatchesAnyExistingRepresentation() {
        assertThat(check(put(o -> o.ifMatch(Bytes.EMPTY)), Optional.of(CURRENT))).isEmpty();
        assertThat(check(put(o -> o.ifMatch(Bytes.EMPTY)), Optional.of(Bytes.EMPTY))).isEmpty();
    }

    @Test
    void ifMatchFailsWhenTheResourceDoesNotExist() {
        assertThat(check(put(o -> o.ifMatch(Bytes.EMPTY)), Optional.empty())).contains(Code.PRECONDITION_FAILED);
        assertThat(check(put(o -> o.ifMatch(CURRENT)), Optional.empty())).contains(Code.PRECONDITION_FAILED);
    }

    @Test
    void existingResourceWithoutEtagOnlySatisfiesEmptyIfMatch() {
        assertThat(check(put(o -> o.ifMatch(CURRENT)), Optional.of(Bytes.EMPTY))).contains(Code.PRECONDITION_FAILED);
    }

    @Test
    void ifNoneMatchFailsWhenTheResourceExists() {
        Response r = Preconditions.check(put(Options.Builder::ifNoneMatch), Optional.of(CURRENT)).orElseThrow();
        assertThat(r.code()).isEqualTo(Code.PRECONDITION_FAILED);
        assertThat(r.payload().isEmpty()).isTrue();
    }

    @Test
    void ifNoneMatchPassesWhenTheResourceIsAbsent() {
        assertThat(check(put(Options.Builder::ifNoneMatch), Optional.empty())).isEmpty();
    }

    @Test
    void bothConditionsMustHold() {
        Request r = put(o -> o.ifMatch(Bytes.EMPTY).ifNoneMatch());
        assertThat(check(r, Optional.of(CURRENT))).contains(Code.PRECONDITION_FAILED);
        assertThat(check(r, Optional.empty())).contains(Code.PRECONDITION_FAILED);
    }

    @Test
    void validWhenARequestEtagMatches() {
        Request get = Request.builder(Method.GET).path("/doc")
                .options(o -> o.add(OptionNumber.ETAG, OTHER).add(OptionNumber.ETAG, CURRENT)).build();
        Response r = Preconditions.validIfEtagMatches(get, CURRENT).orElseThrow();
        assertThat(r.code()).isEqualTo(Code.VALID);
        assertThat(r.options().etags()).containsExactly(CURRENT);
        assertThat(r.payload().isEmpty()).isTrue();
    }

    @Test
    void notValidWhenNoEtagMatchesOrNoneIsGiven() {
        Request mismatch = Request.builder(Method.GET).path("/doc").options(o -> o.add(OptionNumber.ETAG, OTHER)).build();
        assertThat(Preconditions.validIfEtagMatches(mismatch, CURRENT)).isEmpty();
        assertThat(Preconditions.validIfEtagMatches(Request.builder(Method.GET).path("/doc").build(), CURRENT)).isEmpty();
    }

    @Test
    void etagOfIsStableShortAndContentDependent() {
        Bytes a = Preconditions.etagOf(Bytes.utf8("hello"));
        assertThat(a.length()).isEqualTo(8).isLessThanOrEqualTo(8);
        assertThat(Preconditions.etagOf(Bytes.utf8("hello"))).isEqualTo(a);
        // first 8 bytes of SHA-256("hello")
        assertThat(a.hex()).isEqualTo("2cf24dba5fb0a30e");
        assertThat(Preconditions.etagOf(Bytes.utf8("hello!"))).isNotEqualTo(a);
        assertThat(Preconditions.etagOf(Bytes.EMPTY).length()).isEqualTo(8);
    }
}
