package dev.meshfed.lambda;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Deployable {@code replicate-intentions-tick}: the reconcile run on the EventBridge schedule
 * (every 5 minutes, {@code ReplicateIntentions.RECONCILE_INTERVAL}). The event's content is not
 * used, so it is taken as a plain map, as in {@link RotateLeavesTick}. A failed run throws; the next
 * one runs at the next interval.
 */
public class ReplicateIntentionsTick {

    @Inject
    Wiring wiring;

    @Funq("replicate-intentions-tick")
    public void tick(Map<String, Object> scheduledEvent) {
        wiring.functions().replicateIntentions().reconcile();
    }
}
