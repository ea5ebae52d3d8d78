package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;

/**
 * Where the Funqy shims get this DC's functions. {@link LambdaWiring} builds them from the
 * environment over DynamoDB and KMS; tests replace it with a bean over the embedded store.
 * Implementations build lazily: nothing connects before the first invocation (or, deployed, before
 * {@link MeshfedStreamHandler} starts the build early).
 */
public interface Wiring {

    /** This DC's functions, built on first use. */
    DcFunctions functions();
}
