package dev.meshfed.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.apigateway.ApiGatewayAdapter;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.ca.RootsJson;
import dev.meshfed.app.ca.SignCsr;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.wiring.DcFunctions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A native image can (de)serialise every meshfed JSON body: each type that crosses a JSON
 * boundary is registered for reflection by {@link NativeReflection}, and nothing registered there
 * is stale. The types are found without reading the registration (see {@link NativeJsonTypes}):
 * statically, from the Jackson annotations of the compiled classes the lambda ships and what they
 * reach; dynamically, by recording every bean type the app's mapper introspects while every
 * checked-in Lambda event is processed. Plain JUnit: no Quarkus application is started.
 */
class NativeReflectionTest {

    private static final ObjectMapper EVENTS = new ObjectMapper();

    private static Set<String> registered;
    private static Set<String> discovered;
    private static Set<String> introspected;

    @BeforeAll
    static void discoverAndReplay() throws Exception {
        registered = NativeJsonTypes.registered();
        discovered = NativeJsonTypes.discover(NativeJsonTypes.mainRoots());
        NativeJsonTypes.Recorder recorder = NativeJsonTypes.install(NativeJsonTypes.appMapper());
        replayEveryCheckedInEvent();
        introspected = recorder.names();
    }

    // ---- the registration is complete and current ----------------------------------------------

    @Test
    void everyTypeWithJacksonAnnotationsOrReachedFromOneIsRegistered() {
        assertThat(NativeJsonTypes.unregistered(discovered, registered))
                .as("JSON-boundary types missing from NativeReflection").isEmpty();
    }

    @Test
    void everyBeanTypeTheAppMapperIntrospectsWhileTheEventsAreProcessedIsRegistered() {
        assertThat(NativeJsonTypes.unregistered(introspected, registered))
                .as("types Jackson introspected, missing from NativeReflection").isEmpty();
    }

    @Test
    void nothingRegisteredIsOutsideTheDiscoveredTypes() {
        Set<String> known = new HashSet<>(discovered);
        known.addAll(introspected);
        assertThat(NativeJsonTypes.unregistered(registered, known))
                .as("registered in NativeReflection but at no JSON boundary any more").isEmpty();
    }

    @Test
    void everyRegisteredClassNameStillNamesAClass() {
        List<String> missing = new ArrayList<>();
        for (String name : registered) {
            try {
                Class.forName(name, false, getClass().getClassLoader());
            } catch (ClassNotFoundException e) {
                missing.add(name);
            }
        }
        assertThat(missing).as("classNames in NativeReflection that no longer exist").isEmpty();
    }

    // ---- the discovery itself sees what it must ------------------------------------------------

    @Test
    void theScanCoversTheAppModuleAndTheLambdaModule() {
        assertThat(NativeJsonTypes.mainRoots())
                .contains(NativeJsonTypes.rootOf(Json.class), NativeJsonTypes.rootOf(NativeReflection.class))
                .doesNotContain(NativeJsonTypes.rootOf(NativeReflectionTest.class));
    }

    @Test
    void theStaticScanFindsAnnotatedRecordsNestedRecordsAndPackagePrivateOnes() {
        assertThat(discovered).contains(RootsJson.class.getName(), RootsJson.Root.class.getName(),
                SignCsr.SignRequest.class.getName(), "dev.meshfed.app.acl.AclJson$TokenOut",
                "dev.meshfed.app.intentions.IntentionsJson$IntentionBody");
    }

    @Test
    void theReplayReachedReadsAndWritesOfEveryHttpFunction() {
        assertThat(introspected).contains(
                RootsJson.class.getName(), // fetch-roots
                SignCsr.SignRequest.class.getName(), SignCsr.SignResponse.class.getName(), // sign-csr
                "dev.meshfed.app.ca.CaAdmin$Replication", // ca-admin
                "dev.meshfed.app.intentions.IntentionsJson$IntentionBody", // intentions-api
                "dev.meshfed.app.intentions.IntentionsJson$AuthorizeOut");
    }

    // ---- the checks can fail ---------------------------------------------------------------------

    /** A JSON body type deliberately left out of {@link NativeReflection}. */
    record UnregisteredBody(@JsonProperty("Name") String name, @JsonProperty("Part") UnannotatedPart part) {
    }

    /** Carries no Jackson annotation: found only because {@link UnregisteredBody} reaches it. */
    record UnannotatedPart(List<String> values) {
    }

    @Test
    void theStaticScanReportsAnUnregisteredAnnotatedTypeAndWhatItReaches() {
        Set<String> inTestClasses = NativeJsonTypes.discover(List.of(NativeJsonTypes.rootOf(NativeReflectionTest.class)));
        assertThat(NativeJsonTypes.unregistered(inTestClasses, registered))
                .contains(UnregisteredBody.class.getName(), UnannotatedPart.class.getName());
    }

    @Test
    void theRecorderReportsAnUnregisteredTypeTheMapperIntrospects() {
        ObjectMapper mapper = new ObjectMapper();
        NativeJsonTypes.Recorder recorder = NativeJsonTypes.install(mapper);
        try {
            String json = mapper.writeValueAsString(new UnregisteredBody("web", new UnannotatedPart(List.of("a"))));
            mapper.readValue(json, UnregisteredBody.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(NativeJsonTypes.unregistered(recorder.names(), registered))
                .contains(UnregisteredBody.class.getName(), UnannotatedPart.class.getName());
    }

    @Test
    void theRecorderSeesTypesTheAppMapperHadCachedBeforeItWasInstalled() {
        Json.write(new SignCsr.SignRequest("x")); // cached under the recorders installed so far
        NativeJsonTypes.Recorder late = NativeJsonTypes.install(NativeJsonTypes.appMapper());
        Json.write(new SignCsr.SignRequest("x"));
        assertThat(late.names()).contains(SignCsr.SignRequest.class.getName());
    }

    // ---- the replay ------------------------------------------------------------------------------

    /**
     * Every checked-in event through the functions the lambda tests use ({@link EmbeddedWiring}):
     * API Gateway events through every HTTP function's route table, stream events through both
     * stream consumers, the scheduled tick through both ticks. Outcomes are not asserted here (the
     * lambda tests do that); a function that throws is still a flow whose JSON types count.
     */
    private static void replayEveryCheckedInEvent() throws Exception {
        DcFunctions functions = new EmbeddedWiring().functions();
        ApiGatewayAdapter adapter = new ApiGatewayAdapter(DcFunctions.errors());
        CaFunctionsHandler all = functions.localHandler();
        for (String name : eventNames()) {
            JsonNode event = EVENTS.readTree(read(name));
            if (name.startsWith("apigw-v2-")) {
                APIGatewayV2HTTPResponse ignored = adapter.handle(httpEvent(event), all);
            } else if (name.startsWith("dynamodb-stream-")) {
                for (DynamodbEvent.DynamodbStreamRecord r : streamRecords(event)) {
                    quietly(() -> functions.replicateIntentionsStream().onRecord(r));
                    quietly(() -> functions.rotateLeavesStream().onRecord(r));
                }
            } else if (name.startsWith("eventbridge-")) {
                quietly(() -> functions.rotateLeaves().tick());
                quietly(() -> functions.replicateIntentions().reconcile());
            } else {
                throw new AssertionError("an event of a kind this replay does not know: " + name);
            }
        }
    }

    private static void quietly(Runnable flow) {
        try {
            flow.run();
        } catch (RuntimeException e) {
            // a refused or failing record: its JSON types, if any, were introspected on the way
        }
    }

    private static List<String> eventNames() throws IOException, URISyntaxException {
        Path dir = Path.of(NativeReflectionTest.class.getResource("/events").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = new ArrayList<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json")).toList());
            names.sort(null);
            assertThat(names).as("checked-in events").isNotEmpty();
            return names;
        }
    }

    private static String read(String name) throws IOException {
        try (InputStream in = NativeReflectionTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static APIGatewayV2HTTPEvent httpEvent(JsonNode e) {
        Map<String, String> headers = new LinkedHashMap<>();
        e.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        JsonNode http = e.path("requestContext").path("http");
        APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder b = APIGatewayV2HTTPEvent.builder()
                .withRawPath(text(e, "rawPath"))
                .withRawQueryString(text(e, "rawQueryString"))
                .withHeaders(e.has("headers") ? headers : null)
                .withBody(text(e, "body"))
                .withIsBase64Encoded(e.path("isBase64Encoded").asBoolean(false));
        if (e.has("requestContext")) {
            b.withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                    .withHttp(http.isMissingNode() ? null : APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                            .withMethod(text(http, "method")).withPath(text(http, "path"))
                            .withSourceIp(text(http, "sourceIp")).build())
                    .build());
        }
        return b.build();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<DynamodbEvent.DynamodbStreamRecord> streamRecords(JsonNode event) {
        List<DynamodbEvent.DynamodbStreamRecord> out = new ArrayList<>();
        for (JsonNode r : event.path("Records")) {
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID(text(r, "eventID"));
            record.setEventName(text(r, "eventName"));
            record.setEventVersion(text(r, "eventVersion"));
            record.setEventSource(text(r, "eventSource"));
            record.setAwsRegion(text(r, "awsRegion"));
            record.setEventSourceARN(text(r, "eventSourceARN"));
            JsonNode d = r.path("dynamodb");
            if (!d.isMissingNode()) {
                StreamRecord body = new StreamRecord();
                if (d.has("ApproximateCreationDateTime")) {
                    body.setApproximateCreationDateTime(new Date(d.get("ApproximateCreationDateTime").asLong() * 1000));
                }
                body.setKeys(attributes(d.get("Keys")));
                body.setNewImage(attributes(d.get("NewImage")));
                body.setOldImage(attributes(d.get("OldImage")));
                body.setSequenceNumber(text(d, "SequenceNumber"));
                if (d.has("SizeBytes")) {
                    body.setSizeBytes(d.get("SizeBytes").asLong());
                }
                if (d.has("StreamViewType")) {
                    body.setStreamViewType(StreamViewType.valueOf(text(d, "StreamViewType")));
                }
                record.setDynamodb(body);
            }
            out.add(record);
        }
        return out;
    }

    private static Map<String, AttributeValue> attributes(JsonNode m) {
        if (m == null || m.isNull()) {
            return null;
        }
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        m.fields().forEachRemaining(f -> out.put(f.getKey(), attribute(f.getValue())));
        return out;
    }

    /** DynamoDB's typed JSON ({@code {"S": ...}}, {@code {"M": {...}}}, ...) as the Lambda events model holds it. */
    private static AttributeValue attribute(JsonNode v) {
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        if (!it.hasNext()) {
            return new AttributeValue();
        }
        Map.Entry<String, JsonNode> typed = it.next();
        JsonNode x = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> new AttributeValue().withS(x.asText());
            case "N" -> new AttributeValue().withN(x.asText());
            case "B" -> new AttributeValue().withB(ByteBuffer.wrap(Base64.getDecoder().decode(x.asText())));
            case "BOOL" -> new AttributeValue().withBOOL(x.asBoolean());
            case "NULL" -> new AttributeValue().withNULL(x.asBoolean());
            case "M" -> new AttributeValue().withM(attributes(x));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                x.forEach(e -> l.add(attribute(e)));
                yield new AttributeValue().withL(l);
            }
            case "SS" -> new AttributeValue().withSS(strings(x));
            case "NS" -> new AttributeValue().withNS(strings(x));
            case "BS" -> {
                List<ByteBuffer> l = new ArrayList<>();
                x.forEach(e -> l.add(ByteBuffer.wrap(Base64.getDecoder().decode(e.asText()))));
                yield new AttributeValue().withBS(l);
            }
            // an unknown type: kept empty, as a poison record would arrive
            default -> new AttributeValue();
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
