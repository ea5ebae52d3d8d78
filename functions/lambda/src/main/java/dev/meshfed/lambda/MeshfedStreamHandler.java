package dev.meshfed.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.quarkus.funqy.lambda.FunqyStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The JVM handler every deployable is deployed with ({@code Deployment.JVM_HANDLER}): Funqy's own
 * stream handler, preceded by one step. Lambda constructs the handler in its init phase, before
 * Quarkus boots (Funqy's constructor initialises Quarkus; its first {@code handleRequest} starts
 * it), so starting the DC's wiring here ({@link LambdaWiring#startEarly}) lets the AWS SDK client,
 * the crypto provider's native library and a first DynamoDB round trip run beside the framework's
 * boot instead of after it, on the first request (docs/benchmarks.md, "Cold start").
 */
public class MeshfedStreamHandler implements RequestStreamHandler {

    private final FunqyStreamHandler funqy;

    public MeshfedStreamHandler() {
        // the smoke deployable answers without the DC, so it does not build one
        if (!HealthFunction.NAME.equals(System.getenv("QUARKUS_FUNQY_EXPORT"))) {
            LambdaWiring.startEarly(System.getenv());
        }
        funqy = new FunqyStreamHandler();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        funqy.handleRequest(input, output, context);
    }
}
