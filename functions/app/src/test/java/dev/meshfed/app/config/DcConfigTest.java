package dev.meshfed.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.DatacenterRole;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DcConfigTest {

    private static Map<String, String> complete() {
        Map<String, String> env = new HashMap<>();
        env.put("MESHFED_DC", "dc2");
        env.put("MESHFED_PRIMARY_DC", "dc1");
        env.put("MESHFED_TABLE_CA", "meshfed-ca");
        env.put("MESHFED_TABLE_INTENTIONS", "meshfed-intentions");
        env.put("MESHFED_TABLE_PRIVATE", "meshfed-private-dc2");
        env.put("MESHFED_KMS_KEY_ID", "alias/meshfed-dc2");
        env.put("MESHFED_REGION", "eu-west-1");
        env.put("MESHFED_PRIMARY_API_URL", "https://abc123.execute-api.eu-central-1.amazonaws.com");
        env.put("PATH", "/usr/bin"); // anything else is ignored
        return env;
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> env = complete();
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return env;
    }

    @Test
    void completeEnvironmentGivesTheConfigurationWithDefaults() {
        DcConfig c = DcConfig.fromEnvironment(complete());
        assertThat(c.datacenter()).isEqualTo(new Datacenter("dc2"));
        assertThat(c.primary()).isEqualTo(new Datacenter("dc1"));
        assertThat(c.role()).isEqualTo(DatacenterRole.SECONDARY);
        assertThat(c.tables()).isEqualTo(new DcConfig.Tables("meshfed-ca", "meshfed-intentions", "meshfed-private-dc2"));
        assertThat(c.kmsKeyId()).isEqualTo("alias/meshfed-dc2");
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.maxBlockingWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.acl()).isEqualTo(DcConfig.AclMode.ON);
        assertThat(c.dynamoDbEndpoint()).isEmpty();
    }

    @Test
    void primaryIsTheDcNamedByBothVariables() {
        assertThat(DcConfig.fromEnvironment(with("MESHFED_DC", "dc1")).role()).isEqualTo(DatacenterRole.PRIMARY);
    }

    @Test
    void optionalVariablesAreRead() {
        Map<String, String> env = complete();
        env.put("MESHFED_MAX_BLOCKING_WAIT", "25s");
        env.put("MESHFED_ACL", "off");
        env.put("MESHFED_DYNAMODB_ENDPOINT", "http://127.0.0.1:4567");
        DcConfig c = DcConfig.fromEnvironment(env);
        assertThat(c.maxBlockingWait()).isEqualTo(Duration.ofSeconds(25));
        assertThat(c.acl()).isEqualTo(DcConfig.AclMode.OFF);
        assertThat(c.dynamoDbEndpoint()).hasValue(URI.create("http://127.0.0.1:4567"));
    }

    @Test
    void emptyOptionalValuesCountAsUnset() {
        Map<String, String> env = complete();
        env.put("MESHFED_MAX_BLOCKING_WAIT", "");
        env.put("MESHFED_ACL", "");
        env.put("MESHFED_DYNAMODB_ENDPOINT", "");
        DcConfig c = DcConfig.fromEnvironment(env);
        assertThat(c.maxBlockingWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.acl()).isEqualTo(DcConfig.AclMode.ON);
        assertThat(c.dynamoDbEndpoint()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MESHFED_DC", "MESHFED_PRIMARY_DC", "MESHFED_TABLE_CA", "MESHFED_TABLE_INTENTIONS",
        "MESHFED_TABLE_PRIVATE", "MESHFED_KMS_KEY_ID", "MESHFED_REGION"})
    void missingOrEmptyRequiredVariableIsNamed(String name) {
        for (String value : new String[] {null, ""}) {
            assertThatThrownBy(() -> DcConfig.fromEnvironment(with(name, value)))
                    .isInstanceOfSatisfying(InvalidEnvironment.class, e ->
                            assertThat(e.problems()).singleElement().asString().startsWith(name + " is not set ("));
        }
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("MESHFED_DC", "DC_1", "MESHFED_DC=\"DC_1\": invalid datacenter name: must match ^[a-z0-9][a-z0-9-]{0,62}$"),
                Arguments.of("MESHFED_PRIMARY_DC", "-dc1", "MESHFED_PRIMARY_DC=\"-dc1\": invalid datacenter name"),
                Arguments.of("MESHFED_TABLE_CA", "ab", "MESHFED_TABLE_CA=\"ab\": not a DynamoDB table name"),
                Arguments.of("MESHFED_TABLE_PRIVATE", "my table", "MESHFED_TABLE_PRIVATE=\"my table\": not a DynamoDB table name"),
                Arguments.of("MESHFED_KMS_KEY_ID", "my-key", "MESHFED_KMS_KEY_ID=\"my-key\": not a KMS key ID"),
                Arguments.of("MESHFED_KMS_KEY_ID", "arn:aws:kms:eu-west-1:123:key/x", "MESHFED_KMS_KEY_ID="),
                Arguments.of("MESHFED_REGION", "Europe", "MESHFED_REGION=\"Europe\": not an AWS region name"),
                Arguments.of("MESHFED_MAX_BLOCKING_WAIT", "30s", "MESHFED_MAX_BLOCKING_WAIT=\"30s\": must be between 1s and 25s"),
                Arguments.of("MESHFED_MAX_BLOCKING_WAIT", "500ms", "MESHFED_MAX_BLOCKING_WAIT=\"500ms\": must be between 1s and 25s"),
                Arguments.of("MESHFED_MAX_BLOCKING_WAIT", "10", "MESHFED_MAX_BLOCKING_WAIT=\"10\": time: missing unit in duration \"10\""),
                Arguments.of("MESHFED_ACL", "ON", "MESHFED_ACL=\"ON\": must be on or off"),
                Arguments.of("MESHFED_ACL", "true", "MESHFED_ACL=\"true\": must be on or off"),
                Arguments.of("MESHFED_DYNAMODB_ENDPOINT", "localhost:4567", "MESHFED_DYNAMODB_ENDPOINT=\"localhost:4567\": must be an http or https URL"),
                Arguments.of("MESHFED_DYNAMODB_ENDPOINT", "ftp://h", "MESHFED_DYNAMODB_ENDPOINT=\"ftp://h\": must be"),
                Arguments.of("MESHFED_DYNAMODB_ENDPOINT", "http://u:p@h", "MESHFED_DYNAMODB_ENDPOINT=\"http://u:p@h\": must be"),
                Arguments.of("MESHFED_DYNAMODB_ENDPOINT", "http://h/x?y", "MESHFED_DYNAMODB_ENDPOINT=\"http://h/x?y\": must be"),
                Arguments.of("MESHFED_DYNAMODB_ENDPOINT", "http://h h", "MESHFED_DYNAMODB_ENDPOINT=\"http://h h\": not a URL"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalid")
    void invalidValueIsRefusedNamingTheVariableAndTheRule(String name, String value, String problem) {
        assertThatThrownBy(() -> DcConfig.fromEnvironment(with(name, value)))
                .isInstanceOfSatisfying(InvalidEnvironment.class, e -> {
                    assertThat(e.problems()).singleElement().asString().startsWith(problem);
                    assertThat(e.getMessage()).startsWith("invalid environment: " + name);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab", "alias/meshfed",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/meshfed/dc2",
        "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"})
    void everyFormOfKmsKeyIdentifierIsAccepted(String key) {
        assertThat(DcConfig.fromEnvironment(with("MESHFED_KMS_KEY_ID", key)).kmsKeyId()).isEqualTo(key);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> env = Map.of("MESHFED_DC", "DC!", "MESHFED_ACL", "maybe");
        assertThatThrownBy(() -> DcConfig.fromEnvironment(env))
                .isInstanceOfSatisfying(InvalidEnvironment.class, e -> assertThat(e.problems())
                        .hasSize(8)
                        .anyMatch(p -> p.startsWith("MESHFED_DC="))
                        .anyMatch(p -> p.startsWith("MESHFED_ACL="))
                        .anyMatch(p -> p.startsWith("MESHFED_REGION is not set")));
    }

    @Test
    void theThreeTablesMustDiffer() {
        assertThatThrownBy(() -> DcConfig.fromEnvironment(with("MESHFED_TABLE_PRIVATE", "meshfed-ca")))
                .isInstanceOfSatisfying(InvalidEnvironment.class, e -> assertThat(e.problems()).singleElement().asString()
                        .contains("three different tables"));
    }

    @Test
    void controlCharactersInAValueAreNotEchoed() {
        assertThatThrownBy(() -> DcConfig.fromEnvironment(with("MESHFED_REGION", "eu\nwest")))
                .message().doesNotContain("\n").contains("\"eu?west\"");
    }

    @Test
    void environmentVariablesAreDeclaredOnceAndFromEnvironmentReadsOnlyThose() {
        assertThat(EnvironmentVariables.names()).doesNotHaveDuplicates().containsExactly(
                "MESHFED_DC", "MESHFED_PRIMARY_DC", "MESHFED_TABLE_CA", "MESHFED_TABLE_INTENTIONS", "MESHFED_TABLE_PRIVATE",
                "MESHFED_KMS_KEY_ID", "MESHFED_REGION", "MESHFED_MAX_BLOCKING_WAIT", "MESHFED_ACL", "MESHFED_DYNAMODB_ENDPOINT",
                "MESHFED_PRIMARY_API_URL");
        assertThat(EnvironmentVariables.ALL).filteredOn(EnvironmentVariable::required).extracting(EnvironmentVariable::name)
                .containsExactly("MESHFED_DC", "MESHFED_PRIMARY_DC", "MESHFED_TABLE_CA", "MESHFED_TABLE_INTENTIONS",
                        "MESHFED_TABLE_PRIVATE", "MESHFED_KMS_KEY_ID", "MESHFED_REGION");
        // Every variable the reader consults is declared: a map that answers only declared names still works.
        Map<String, String> env = complete();
        env.keySet().retainAll(EnvironmentVariables.names());
        assertThat(DcConfig.fromEnvironment(env)).isEqualTo(DcConfig.fromEnvironment(complete()));
    }

    @Test
    void directConstructionChecksTheBlockingCap() {
        DcConfig c = DcConfig.fromEnvironment(complete());
        assertThatThrownBy(() -> new DcConfig(c.datacenter(), c.primary(), c.tables(), c.kmsKeyId(), c.region(),
                Duration.ofMinutes(1), c.acl(), c.dynamoDbEndpoint(), c.primaryApiUrl()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondaryNeedsThePrimarysApiUrlAndThePrimaryIgnoresIt() {
        assertThat(DcConfig.fromEnvironment(complete()).primaryApiUrl()).hasValue(
                java.net.URI.create("https://abc123.execute-api.eu-central-1.amazonaws.com"));
        assertThatThrownBy(() -> DcConfig.fromEnvironment(with("MESHFED_PRIMARY_API_URL", null)))
                .isInstanceOf(InvalidEnvironment.class).hasMessageContaining("MESHFED_PRIMARY_API_URL is not set");
        Map<String, String> primary = with("MESHFED_DC", "dc1");
        primary.remove("MESHFED_PRIMARY_API_URL");
        assertThat(DcConfig.fromEnvironment(primary).primaryApiUrl()).isEmpty();
    }

    @Test
    void thePrimarysApiUrlIsHttpsOrLoopbackHttpOnly() {
        assertThat(DcConfig.fromEnvironment(with("MESHFED_PRIMARY_API_URL", "http://127.0.0.1:8500")).primaryApiUrl())
                .isPresent();
        for (String bad : new String[] {"http://primary.example.com", "ftp://x", "https://u:p@x.example.com",
                "https://x.example.com/?a=b", "not a url"}) {
            assertThatThrownBy(() -> DcConfig.fromEnvironment(with("MESHFED_PRIMARY_API_URL", bad))).as(bad)
                    .isInstanceOf(InvalidEnvironment.class).hasMessageContaining("MESHFED_PRIMARY_API_URL=");
        }
    }
}
