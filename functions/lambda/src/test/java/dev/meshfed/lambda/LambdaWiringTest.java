package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.config.InvalidEnvironment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployed wiring builds from the environment without calling anything. */
class LambdaWiringTest {

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("MESHFED_DC", "dc2");
        env.put("MESHFED_PRIMARY_DC", "dc1");
        env.put("MESHFED_TABLE_CA", "meshfed-ca");
        env.put("MESHFED_TABLE_INTENTIONS", "meshfed-intentions");
        env.put("MESHFED_TABLE_PRIVATE", "meshfed-private-dc2");
        env.put("MESHFED_KMS_KEY_ID", "alias/meshfed-dc2");
        env.put("MESHFED_REGION", "eu-west-1");
        env.put("MESHFED_ACL", "off");
        env.put("MESHFED_PRIMARY_API_URL", "https://abc123.execute-api.eu-central-1.amazonaws.com");
        // a port nothing listens on: any call made while wiring would fail the test
        env.put("MESHFED_DYNAMODB_ENDPOINT", "http://127.0.0.1:9");
        return env;
    }

    @Test
    void wiring_from_the_environment_connects_to_nothing() {
        DcFunctions f = LambdaWiring.fromEnvironment(environment());
        assertThat(f.ca().localDc()).isEqualTo("dc2");
        assertThat(f.ca().primaryDc()).isEqualTo("dc1");
        assertThat(f.rotateLeaves().isPrimary()).isFalse();
    }

    @Test
    void a_local_kek_file_replaces_kms(@TempDir Path dir) {
        Map<String, String> env = environment();
        env.put(LambdaWiring.LOCAL_KEK_FILE, dir.resolve("kek").toString());
        DcFunctions f = LambdaWiring.fromEnvironment(env);
        assertThat(f).isNotNull();
        assertThat(dir.resolve("kek")).exists();
    }

    @Test
    void aclsOnWiresTheTokenAuthorizerAndAclsOffTheOpenOne() {
        Map<String, String> env = environment();
        env.put("MESHFED_ACL", "on");
        assertThat(LambdaWiring.fromEnvironment(env).authorizer().enforcing()).isTrue();
        assertThat(LambdaWiring.fromEnvironment(environment()).authorizer().enforcing()).isFalse();
    }

    @Test
    void an_invalid_environment_names_every_problem() {
        Map<String, String> env = environment();
        env.remove("MESHFED_DC");
        env.put("MESHFED_ACL", "true");
        assertThatThrownBy(() -> LambdaWiring.fromEnvironment(env))
                .isInstanceOf(InvalidEnvironment.class)
                .hasMessageContaining("MESHFED_DC is not set")
                .hasMessageContaining("MESHFED_ACL=\"true\": must be on or off");
    }

    @Test
    void theFirstInvocationTakesTheBuildTheHandlerStartedEarly(@TempDir Path dir) {
        Map<String, String> env = environment();
        env.put(LambdaWiring.LOCAL_KEK_FILE, dir.resolve("kek").toString());
        DcFunctions early = LambdaWiring.startEarly(env).join();
        AtomicInteger builds = new AtomicInteger();
        LambdaWiring wiring = new LambdaWiring(() -> {
            builds.incrementAndGet();
            return LambdaWiring.fromEnvironment(env);
        });

        assertThat(wiring.functions()).isSameAs(early);
        assertThat(builds).hasValue(0);
    }

    @Test
    void anEarlyBuildThatFailedIsBuiltAgainByTheFirstInvocationWhichMeetsTheRealError() {
        Map<String, String> env = environment();
        env.remove("MESHFED_REGION");
        assertThatThrownBy(() -> LambdaWiring.startEarly(env).join()).hasCauseInstanceOf(InvalidEnvironment.class);
        LambdaWiring wiring = new LambdaWiring(() -> LambdaWiring.fromEnvironment(env));

        assertThatThrownBy(wiring::functions)
                .isInstanceOf(InvalidEnvironment.class)
                .hasMessageContaining("MESHFED_REGION");
    }
}
