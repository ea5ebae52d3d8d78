package dev.meshfed.custody;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A tiny KMS on 127.0.0.1 speaking the AWS JSON 1.1 protocol that the real SDK client uses: {@code
 * POST /} with {@code X-Amz-Target: TrentService.GenerateDataKey} or {@code TrentService.Decrypt},
 * {@code Content-Type: application/x-amz-json-1.1}, binary fields in base64, errors as a status code
 * with {@code {"__type": ..., "message": ...}}. The cryptography is {@link FakeKms}'s; a scripted
 * error can replace the answer to one target. Every request is recorded.
 */
final class KmsWireServer implements AutoCloseable {
    /** Appears in every error message this server sends, so tests can check it never passes through. */
    static final String KMS_MESSAGE_MARKER = "kms-said-this-9f3e";

    record Request(String target, String contentType, String authorization, Map<String, Object> body) {
    }

    record ScriptedError(int status, String type) {
    }

    private final HttpServer server;
    private final FakeKms kms;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, ScriptedError> errors = new LinkedHashMap<>();

    KmsWireServer(FakeKms kms) throws IOException {
        this.kms = kms;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answer every request for {@code target} (e.g. {@code TrentService.Decrypt}) with this error. */
    synchronized KmsWireServer failWith(String target, int status, String type) {
        errors.put(target, new ScriptedError(status, type));
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized List<Request> requests(String target) {
        return requests.stream().filter(r -> target.equals(r.target())).collect(Collectors.toList());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Request request = new Request(target, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), MiniJson.parseObject(body));
            ScriptedError scripted;
            synchronized (this) {
                requests.add(request);
                scripted = errors.get(target);
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("UnsupportedOperationException"));
            } else if (scripted != null) {
                respond(exchange, scripted.status(), error(scripted.type()));
            } else {
                answer(exchange, target, request.body());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void answer(HttpExchange exchange, String target, Map<String, Object> body) throws IOException {
        Map<String, String> context = (Map<String, String>) (Map<?, ?>) body.getOrDefault("EncryptionContext", Map.of());
        try {
            switch (target == null ? "" : target) {
                case "TrentService.GenerateDataKey" -> {
                    if (!"AES_256".equals(body.get("KeySpec"))) {
                        respond(exchange, 400, error("ValidationException"));
                        return;
                    }
                    GeneratedDataKey key = kms.generateDataKey((String) body.get("KeyId"), context);
                    respond(exchange, 200, "{\"KeyId\":" + MiniJson.quote(kms.keyArn())
                            + ",\"Plaintext\":" + b64(key.plaintext())
                            + ",\"CiphertextBlob\":" + b64(key.encryptedKey()) + "}");
                }
                case "TrentService.Decrypt" -> {
                    byte[] blob = Base64.getDecoder().decode((String) body.get("CiphertextBlob"));
                    byte[] plaintext = kms.decrypt((String) body.get("KeyId"), blob, context);
                    respond(exchange, 200, "{\"KeyId\":" + MiniJson.quote(kms.keyArn()) + ",\"Plaintext\":"
                            + b64(plaintext) + ",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}");
                }
                default -> respond(exchange, 400, error("UnknownOperationException"));
            }
        } catch (KmsCallFailed e) {
            respond(exchange, 400, error(switch (e.reason()) {
                case ACCESS_DENIED -> "AccessDeniedException";
                case INVALID_CIPHERTEXT -> "InvalidCiphertextException";
                case INCORRECT_KEY -> "IncorrectKeyException";
                case KEY_UNUSABLE -> "NotFoundException";
                default -> "ValidationException";
            }));
        }
    }

    private static String error(String type) {
        return "{\"__type\":" + MiniJson.quote(type) + ",\"message\":" + MiniJson.quote(
                "User: arn:aws:sts::111122223333:assumed-role/sign-csr/x is not allowed " + KMS_MESSAGE_MARKER) + "}";
    }

    private static String b64(byte[] bytes) {
        return MiniJson.quote(Base64.getEncoder().encodeToString(bytes));
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
