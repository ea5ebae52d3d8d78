package dev.meshfed.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads checked-in event JSON and names the Lambda runtime's mock event server. */
final class LambdaEvents {

    private LambdaEvents() {
    }

    static String event(String name) {
        try (InputStream in = LambdaEvents.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no event " + name + " under src/test/resources/events");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String eventServer() {
        int port = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class)
                .orElse(8081);
        return "http://localhost:" + port + "/_lambda_";
    }
}
