package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.exception.InvalidResponseException;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DeleteResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CoAP requests a Leshan server on Tern sends for each LwM2M operation (OMA LwM2M 1.1
 * Transport §6.3, §6.4), seen by a device that is a plain Tern server registered from its own
 * socket, and Leshan's reading of each answer: success, error codes, unexpected codes, silence.
 */
class DownlinkMappingTest {
    private final BlockingQueue<Request> seen = new LinkedBlockingQueue<>();
    private volatile Function<Request, CompletableFuture<Response>> answer;
    private LeshanServer server;
    private CoapServer device;
    private String rd;

    @BeforeEach
    void start() {
        server = LeshanPeers.server(false, null);
        server.start();
        rd = server.getEndpoints().get(0).getURI() + "/rd";
        device = CoapServer.builder().bind("127.0.0.1").port(0).service(request -> {
            seen.add(request);
            return answer.apply(request);
        }).build().start();
    }

    @AfterEach
    void stop() {
        device.close();
        server.destroy();
    }

    private Registration register() throws Exception {
        Response created = device.client().call(Request.post(rd + "?ep=wire&lt=300&lwm2m=1.1&b=U")
                .contentFormat(40).payload("</1/0>,</3/0>").build());
        assertThat(created.code()).isEqualTo(Code.CREATED);
        assertThat(created.options().locationPath()).hasSize(2).startsWith("rd");
        Registration registration = server.getRegistrationStore().getRegistrationByEndpoint("wire");
        assertThat(registration.getId()).isEqualTo(created.options().locationPath().get(1));
        assertThat(registration.getClientTransportData().toString()).contains(Integer.toString(device.port()));
        return registration;
    }

    @Test
    void createIsPostToTheObjectWithTheEncodedInstance() throws Exception {
        Registration registration = register();
        answer = r -> CompletableFuture.completedFuture(Response.builder(Code.CREATED)
                .options(b -> b.locationPath("1").locationPath("5")).build());
        CreateResponse response = server.send(registration, new CreateRequest(ContentFormat.SENML_JSON, 1,
                new org.eclipse.leshan.core.node.LwM2mObjectInstance(5, LwM2mSingleResource.newIntegerResource(0, 5),
                        LwM2mSingleResource.newIntegerResource(1, 300))), 5000);
        Request request = seen.poll(5, TimeUnit.SECONDS);
        assertThat(request.method()).isEqualTo(Method.POST);
        assertThat(request.pathSegments()).containsExactly("1");
        assertThat(request.contentFormat()).hasValue(ContentFormat.SENML_JSON_CODE);
        assertThat(request.payloadString()).contains("\"bn\":\"/1/\"").contains("\"n\":\"5/1\",\"v\":300");
        assertThat(response.isSuccess()).isTrue();
        assertThat(response.getLocation()).isEqualTo("1/5");
    }

    @Test
    void deleteIsDeleteOfTheInstance() throws Exception {
        Registration registration = register();
        answer = r -> CompletableFuture.completedFuture(Response.of(Code.DELETED));
        DeleteResponse response = server.send(registration, new DeleteRequest(1, 5), 5000);
        Request request = seen.poll(5, TimeUnit.SECONDS);
        assertThat(request.method()).isEqualTo(Method.DELETE);
        assertThat(request.pathSegments()).containsExactly("1", "5");
        assertThat(request.payload().isEmpty()).isTrue();
        assertThat(response.isSuccess()).isTrue();
    }

    @Test
    void readCompositeIsFetchOfTheRootWithThePathsAsSenmlCbor() throws Exception {
        Registration registration = register();
        DefaultLwM2mEncoder encoder = new DefaultLwM2mEncoder();
        byte[] body = encoder.encodeNodes(Map.of(new LwM2mPath("/3/0/0"),
                LwM2mSingleResource.newStringResource(0, "Tern")), ContentFormat.SENML_CBOR, null,
                server.getModelProvider().getObjectModel(registration));
        answer = r -> CompletableFuture.completedFuture(Response.builder(Code.CONTENT)
                .contentFormat(ContentFormat.SENML_CBOR_CODE).payload(body).build());
        ReadCompositeResponse response = server.send(registration,
                new ReadCompositeRequest(ContentFormat.SENML_CBOR, ContentFormat.SENML_CBOR, "/3/0/0"), 5000);
        Request request = seen.poll(5, TimeUnit.SECONDS);
        assertThat(request.method()).isEqualTo(Method.FETCH);
        assertThat(request.pathSegments()).isEmpty();
        assertThat(request.contentFormat()).hasValue(ContentFormat.SENML_CBOR_CODE);
        assertThat(request.options().accept()).hasValue(ContentFormat.SENML_CBOR_CODE);
        assertThat(request.payload()).isEqualTo(Bytes.wrap(encoder.encodePaths(List.of(new LwM2mPath("/3/0/0")),
                ContentFormat.SENML_CBOR, null)));
        assertThat(response.isSuccess()).as("%s", response).isTrue();
        assertThat(((LwM2mSingleResource) response.getContent("/3/0/0")).getValue()).isEqualTo("Tern");
    }

    @Test
    void anErrorCodeIsAnErrorResponseWithTheDiagnosticPayload() throws Exception {
        Registration registration = register();
        answer = r -> CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND, "no such instance"));
        ReadResponse response = server.send(registration, new ReadRequest(3, 7), 5000);
        assertThat(seen.poll(5, TimeUnit.SECONDS).pathSegments()).containsExactly("3", "7");
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.getCode().getCode()).isEqualTo(404);
        assertThat(response.getErrorMessage()).isEqualTo("no such instance");
    }

    @Test
    void anUnexpectedSuccessCodeIsAnInvalidResponse() throws Exception {
        Registration registration = register();
        answer = r -> CompletableFuture.completedFuture(Response.of(Code.CHANGED));
        assertThatThrownBy(() -> server.send(registration, new ReadRequest(3, 0, 0), 5000))
                .isInstanceOf(InvalidResponseException.class).hasMessageContaining("2.04");
    }

    @Test
    void noAnswerWithinTheTimeoutIsNull() throws Exception {
        Registration registration = register();
        answer = r -> new CompletableFuture<>(); // the device acknowledges and never answers
        assertThat(server.send(registration, new ReadRequest(3, 0, 0), 500)).isNull();
    }

    @Test
    void badRegistrationsGetBadRequest() {
        Response non = device.client().call(Request.post(rd + "?ep=x").nonConfirmable().contentFormat(40)
                .payload("</3/0>").build());
        assertThat(non.code()).isEqualTo(Code.BAD_REQUEST);
        Response lifetime = device.client().call(Request.post(rd + "?ep=x&lt=soon").contentFormat(40)
                .payload("</3/0>").build());
        assertThat(lifetime.code()).isEqualTo(Code.BAD_REQUEST);
        Response links = device.client().call(Request.post(rd + "?ep=x").contentFormat(40)
                .payload("</3/0").build());
        assertThat(links.code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(server.getRegistrationStore().getAllRegistrations()).isExhausted();
    }
}
