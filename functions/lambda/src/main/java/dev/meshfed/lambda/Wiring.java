package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import java.util.concurrent.CompletableFuture;

/**
 * Where the Funqy shims get this DC's functions. {@link LambdaWiring} builds them from the
 * environment over DynamoDB and KMS; tests replace it with a bean over the embedded store.
 * Implementations build lazily: nothing connects before the first invocation or {@link #warmUp}.
 */
public interface Wiring {

    /** This DC's functions, built on first use. */
    DcFunctions functions();

    /**
     * Starts building the functions in the background, so that the work overlaps the rest of the
     * function's start-up instead of following it ({@link WarmUpOnStart}). Never fails the caller;
     * the returned future says how it went (tests). The default does nothing.
     */
    default CompletableFuture<Void> warmUp() {
        return CompletableFuture.completedFuture(null);
    }
}
