package dev.meshfed.lambda;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the DC's wiring while Quarkus and the Lambda runtime client finish starting: the AWS SDK
 * client, the crypto provider's native library and the first DynamoDB round trip then overlap the
 * framework's own start-up instead of all falling on the first request (docs/benchmarks.md, "Cold
 * start"). Quarkus starts inside the handler's initialisation, so on Lambda this runs in the init
 * phase, before the runtime asks for the first event.
 */
@ApplicationScoped
public class WarmUpOnStart {

    /** The smoke deployable answers without the DC, so it does not build one. */
    static final String NO_WIRING = "health-http";

    @Inject
    Wiring wiring;

    @ConfigProperty(name = "quarkus.funqy.export")
    String export;

    void onStart(@Observes StartupEvent event) {
        if (!NO_WIRING.equals(export)) {
            wiring.warmUp();
        }
    }
}
