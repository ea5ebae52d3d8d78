package dev.meshfed.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * Deployable {@code replicate-intentions-stream}: one record of the DC's intentions-table stream
 * per call, through the shared {@code QuarantiningConsumer} (poison records quarantined and
 * acknowledged; authority violations counted and acknowledged; anything else that fails propagates
 * and Funqy reports the record as a batch item failure, so Lambda retries from it).
 */
public class ReplicateIntentionsStream {

    @Inject
    Wiring wiring;

    @Funq("replicate-intentions-stream")
    public void onRecord(DynamodbEvent.DynamodbStreamRecord record) {
        wiring.functions().replicateIntentionsStream().onRecord(record);
    }
}
