package dev.meshfed.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/**
 * Deployable {@code rotate-leaves-stream}: one record of the DC's CA-table stream per call.
 * Funqy's advanced event handling ({@code quarkus.funqy.amazon-lambda.advanced-event-handling})
 * splits the batch and reports each record that throws as a batch item failure, so Lambda
 * retries from it (Powertools' partial batch response, without Powertools). Poison records are
 * quarantined and acknowledged by the shared consumer ({@code QuarantiningConsumer}); everything
 * else that fails propagates and is retried.
 */
public class RotateLeavesStream {

    @Inject
    Wiring wiring;

    @Funq("rotate-leaves-stream")
    public void onRecord(DynamodbEvent.DynamodbStreamRecord record) {
        wiring.functions().rotateLeavesStream().onRecord(record);
    }
}
