package dev.meshfed.lambda;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Deployable {@code rotate-leaves-tick}: the per-minute EventBridge scheduled event. The event's
 * content is not used (a tick re-reads everything), so it is taken as a plain map rather than
 * the events library's {@code ScheduledEvent}, whose Joda time field Funqy's Jackson cannot read
 * without an extra module. A failed tick throws; the next one runs a minute later.
 */
public class RotateLeavesTick {

    @Inject
    Wiring wiring;

    @Funq("rotate-leaves-tick")
    public void tick(Map<String, Object> scheduledEvent) {
        wiring.functions().rotateLeaves().tick();
    }
}
