package dev.meshfed.lambda;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** One test profile per deployable: each exports one function, as QUARKUS_FUNQY_EXPORT does in Lambda. */
final class Deployables {

    private Deployables() {
    }

    public static final class FetchRootsHttp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "fetch-roots-http");
        }
    }

    public static final class SignCsrHttp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sign-csr-http");
        }
    }

    public static final class CaAdminHttp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "ca-admin-http");
        }
    }

    public static final class RotateLeavesStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "rotate-leaves-stream");
        }
    }

    public static final class RotateLeavesTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "rotate-leaves-tick");
        }
    }

    public static final class ReplicateIntentionsStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "replicate-intentions-stream");
        }
    }

    public static final class ReplicateIntentionsTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "replicate-intentions-tick");
        }
    }

    public static final class IntentionsApiHttp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "intentions-api-http");
        }
    }
}
