package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.meshfed.core.config.Fixtures.EC_PRIVATE_KEY_PEM;
import static dev.meshfed.core.config.Fixtures.KEY_BODY;
import static dev.meshfed.core.config.Fixtures.KEY_MARKER;
import static dev.meshfed.core.config.Fixtures.ROOT_DER;
import static dev.meshfed.core.config.Fixtures.ROOT_PEM;
import static dev.meshfed.core.config.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CaConfigDecoderTest {

    private static CaConfig decode(Object... keysAndValues) {
        return CaConfigDecoder.decodeConfig(map(keysAndValues)).config();
    }

    private static void assertRefused(Map<String, ?> config, String message) {
        assertThatThrownBy(() -> CaConfigDecoder.decodeConfig(config))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    @Nested
    class Defaults {
        @Test
        void anEmptyConfigHasEveryDefaultOfTheSpec() {
            CaConfig c = decode();
            assertThat(c.leafCertTtl()).isEqualTo(Duration.ofHours(72));
            assertThat(c.intermediateCertTtl()).isEqualTo(Duration.ofHours(8760));
            assertThat(c.rootCertTtl()).isEqualTo(Duration.ofHours(87600));
            assertThat(c.privateKeyType()).isEqualTo("ec");
            assertThat(c.privateKeyBits()).isEqualTo(256);
            assertThat(c.csrMaxPerSecond()).isEqualTo(50.0);
            assertThat(c.csrMaxConcurrent()).isEqualTo(0);
            assertThat(c.rootRenewBefore()).isEqualTo(Duration.ofHours(17520));
            assertThat(c.allowedDnsSuffixes()).isEmpty();
            assertThat(c.allowedIpRanges()).isEmpty();
            assertThat(c.suppliedRoot()).isEmpty();
            assertThat(c).isEqualTo(CaConfig.defaults());
        }

        @Test
        void aNullConfigAndJsonNullValuesKeepTheDefaults() {
            assertThat(CaConfigDecoder.decodeConfig(null).config()).isEqualTo(CaConfig.defaults());
            assertThat(decode("LeafCertTTL", null, "PrivateKeyBits", null, "AllowedDNSSuffixes", null))
                    .isEqualTo(CaConfig.defaults());
        }

        @Test
        void rootRenewBeforeDefaultsToAFifthOfTheRequestsOwnRootCertTtl() {
            assertThat(decode("RootCertTTL", "50h", "IntermediateCertTTL", "10h", "LeafCertTTL", "1h").rootRenewBefore())
                    .isEqualTo(Duration.ofHours(10));
            assertThat(decode("RootCertTTL", "50h", "RootRenewBefore", "7h").rootRenewBefore())
                    .isEqualTo(Duration.ofHours(7));
        }
    }

    @Nested
    class WeakInts {
        static Stream<Arguments> privateKeyBitsAcceptsEveryWeakForm() {
            return Stream.of(
                    arguments("256", 256), arguments(256, 256), arguments(256L, 256), arguments(256.0, 256),
                    arguments(384.9, 384), arguments(-2.7, -2), arguments(new BigDecimal("384"), 384),
                    arguments(BigInteger.valueOf(2048), 2048), arguments((short) 256, 256),
                    arguments("0x100", 256), arguments("+384", 384), arguments("4_096", 4096), arguments("0400", 256),
                    arguments("", 0), arguments(true, 1), arguments(false, 0));
        }

        @ParameterizedTest(name = "{0} decodes to {1}")
        @MethodSource
        void privateKeyBitsAcceptsEveryWeakForm(Object value, int expected) {
            assertThat(decode("PrivateKeyBits", value).privateKeyBits()).isEqualTo(expected);
        }

        @Test
        void csrMaxConcurrentDecodesWeaklyToo() {
            assertThat(decode("CSRMaxConcurrent", "8").csrMaxConcurrent()).isEqualTo(8);
            assertThat(decode("CSRMaxConcurrent", 8).csrMaxConcurrent()).isEqualTo(8);
        }

        @Test
        void aStringThatIsNotAGoIntegerIsRefusedWithStrconvsText() {
            assertRefused(map("PrivateKeyBits", "abc"), "error decoding config: cannot parse 'PrivateKeyBits' as int:"
                    + " strconv.ParseInt: parsing \"abc\": invalid syntax");
            assertRefused(map("PrivateKeyBits", "256.0"), "error decoding config: cannot parse 'PrivateKeyBits' as int:"
                    + " strconv.ParseInt: parsing \"256.0\": invalid syntax");
            assertRefused(map("CSRMaxConcurrent", "99999999999999999999"), "error decoding config: cannot parse"
                    + " 'CSRMaxConcurrent' as int: strconv.ParseInt: parsing \"99999999999999999999\": value out of range");
        }

        @Test
        void aValueBeyondThirtyTwoBitsIsRefusedNamingMeshfedsRange() {
            assertRefused(map("CSRMaxConcurrent", 3_000_000_000L), "error decoding config: 'CSRMaxConcurrent' value"
                    + " 3000000000 is out of range (meshfed accepts -2147483648 to 2147483647)");
            assertRefused(map("PrivateKeyBits", "3000000000"), "error decoding config: 'PrivateKeyBits' value"
                    + " 3000000000 is out of range (meshfed accepts -2147483648 to 2147483647)");
            assertRefused(map("PrivateKeyBits", 1e30), "error decoding config: 'PrivateKeyBits' value 1.0E30"
                    + " is out of range (meshfed accepts -2147483648 to 2147483647)");
        }

        @Test
        void aListOrMapIsUnconvertible() {
            assertRefused(map("PrivateKeyBits", List.of(256)),
                    "error decoding config: 'PrivateKeyBits' expected type 'int', got unconvertible type '[]interface {}'");
            assertRefused(map("CSRMaxConcurrent", Map.of("a", 1)), "error decoding config: 'CSRMaxConcurrent'"
                    + " expected type 'int', got unconvertible type 'map[string]interface {}'");
        }
    }

    @Nested
    class WeakFloats {
        static Stream<Arguments> csrMaxPerSecondAcceptsEveryWeakForm() {
            return Stream.of(
                    arguments("50", 50.0), arguments(50, 50.0), arguments(50L, 50.0), arguments(50.5, 50.5),
                    arguments("50.5", 50.5), arguments("5e1", 50.0), arguments("1_000", 1000.0),
                    arguments(new BigDecimal("12.25"), 12.25), arguments("", 0.0), arguments(true, 1.0),
                    arguments(0, 0.0));
        }

        @ParameterizedTest(name = "{0} decodes to {1}")
        @MethodSource
        void csrMaxPerSecondAcceptsEveryWeakForm(Object value, double expected) {
            assertThat(decode("CSRMaxPerSecond", value).csrMaxPerSecond()).isEqualTo(expected);
        }

        @Test
        void aStringThatIsNotAGoFloatIsRefusedWithStrconvsText() {
            assertRefused(map("CSRMaxPerSecond", "fast"), "error decoding config: cannot parse 'CSRMaxPerSecond'"
                    + " as float: strconv.ParseFloat: parsing \"fast\": invalid syntax");
            assertRefused(map("CSRMaxPerSecond", "1e39"), "error decoding config: cannot parse 'CSRMaxPerSecond'"
                    + " as float: strconv.ParseFloat: parsing \"1e39\": value out of range");
        }

        @Test
        void aListIsUnconvertibleToFloat32() {
            assertRefused(map("CSRMaxPerSecond", List.of()), "error decoding config: 'CSRMaxPerSecond'"
                    + " expected type 'float32', got unconvertible type '[]interface {}'");
        }
    }

    @Nested
    class Durations {
        static Stream<Arguments> durationsAcceptGoStringsAndNanosecondNumbers() {
            return Stream.of(
                    arguments("72h", Duration.ofHours(72)), arguments("1.5h", Duration.ofMinutes(90)),
                    arguments("90m", Duration.ofMinutes(90)), arguments("24h0m0s", Duration.ofHours(24)),
                    arguments(3_600_000_000_000L, Duration.ofHours(1)), arguments(3_600_000_000_000.0, Duration.ofHours(1)),
                    arguments(3_600_000_000_000.9, Duration.ofHours(1)), arguments(new BigInteger("7200000000000"), Duration.ofHours(2)),
                    arguments(true, Duration.ofNanos(1)), arguments(0, Duration.ZERO));
        }

        @ParameterizedTest(name = "{0} decodes to {1}")
        @MethodSource
        void durationsAcceptGoStringsAndNanosecondNumbers(Object value, Duration expected) {
            assertThat(decode("LeafCertTTL", value).leafCertTtl()).isEqualTo(expected);
        }

        @Test
        void aBadDurationStringIsRefusedWithGosTextNamingTheKey() {
            assertRefused(map("LeafCertTTL", "1d"), "error decoding config: error decoding 'LeafCertTTL':"
                    + " time: unknown unit \"d\" in duration \"1d\"");
            assertRefused(map("IntermediateCertTTL", ""), "error decoding config: error decoding 'IntermediateCertTTL':"
                    + " time: invalid duration \"\"");
            // A number in a string is not nanoseconds: the hook sees a string and wants a unit.
            assertRefused(map("RootCertTTL", "3600000000000"), "error decoding config: error decoding 'RootCertTTL':"
                    + " time: missing unit in duration \"3600000000000\"");
        }

        @Test
        void aNumberBeyondGosRangeIsRefused() {
            assertRefused(map("LeafCertTTL", 1e30), "error decoding config: 'LeafCertTTL' value 1.0E30 is out of range:"
                    + " a number is read as nanoseconds, at most 9223372036854775807");
            assertRefused(map("LeafCertTTL", new BigInteger("9223372036854775808")), "error decoding config:"
                    + " 'LeafCertTTL' value 9223372036854775808 is out of range: a number is read as nanoseconds,"
                    + " at most 9223372036854775807");
        }

        @Test
        void aMapIsUnconvertibleToADuration() {
            assertRefused(map("RootRenewBefore", Map.of("h", 1)), "error decoding config: 'RootRenewBefore'"
                    + " expected type 'time.Duration', got unconvertible type 'map[string]interface {}'");
        }
    }

    @Nested
    class Strings {
        @Test
        void scalarsBecomeStringsAsInMapstructure() {
            assertThat(decode("PrivateKeyType", "rsa").privateKeyType()).isEqualTo("rsa");
            assertThat(decode("PrivateKeyType", 2.5).privateKeyType()).isEqualTo("2.5");
            assertThat(decode("PrivateKeyType", 7).privateKeyType()).isEqualTo("7");
            assertThat(decode("PrivateKeyType", true).privateKeyType()).isEqualTo("1");
            assertThat(decode("PrivateKeyType", "").privateKeyType()).isEqualTo("");
        }

        @Test
        void aListIsUnconvertibleToAString() {
            assertRefused(map("PrivateKeyType", List.of("ec")), "error decoding config: 'PrivateKeyType'"
                    + " expected type 'string', got unconvertible type '[]interface {}'");
        }

        @Test
        void listsDecodeElementByElementAndLiftSingleValues() {
            assertThat(decode("AllowedDNSSuffixes", List.of("example.com", "svc.internal")).allowedDnsSuffixes())
                    .containsExactly("example.com", "svc.internal");
            assertThat(decode("AllowedDNSSuffixes", "example.com").allowedDnsSuffixes()).containsExactly("example.com");
            assertThat(decode("AllowedIPRanges", Map.of()).allowedIpRanges()).isEmpty();
            assertThat(decode("AllowedIPRanges", List.of()).allowedIpRanges()).isEmpty();
            assertThat(decode("AllowedDNSSuffixes", Arrays.asList(7, true, null)).allowedDnsSuffixes())
                    .containsExactly("7", "1", "");
        }

        @Test
        void anUnconvertibleListElementIsNamedByItsIndex() {
            assertRefused(map("AllowedIPRanges", List.of("10.0.0.0/8", List.of("x"), Map.of("a", 1))),
                    "error decoding config: 'AllowedIPRanges[1]' expected type 'string', got unconvertible type"
                            + " '[]interface {}'; 'AllowedIPRanges[2]' expected type 'string', got unconvertible type"
                            + " 'map[string]interface {}'");
            assertRefused(map("AllowedDNSSuffixes", Map.of("a", 1)), "error decoding config: 'AllowedDNSSuffixes[0]'"
                    + " expected type 'string', got unconvertible type 'map[string]interface {}'");
        }
    }

    @Nested
    class KeySpellings {
        static Stream<Arguments> everySnakeCaseAliasIsAccepted() {
            return Stream.of(
                    arguments("leaf_cert_ttl", "2h"), arguments("intermediate_cert_ttl", "100h"),
                    arguments("root_cert_ttl", "1000h"), arguments("private_key_type", "rsa"),
                    arguments("private_key_bits", "384"), arguments("csr_max_per_second", "12.5"),
                    arguments("csr_max_concurrent", "4"), arguments("root_renew_before", "77h"),
                    arguments("allowed_dns_suffixes", "example.com"), arguments("allowed_ip_ranges", "10.0.0.0/8"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource
        void everySnakeCaseAliasIsAccepted(String alias, Object value) {
            String canonical = Arrays.stream(ConfigKey.values()).filter(k -> k.alias.equals(alias)).findFirst()
                    .orElseThrow().canonical;
            assertThat(CaConfigEncoder.encodeConfig(decode(alias, value)))
                    .isEqualTo(CaConfigEncoder.encodeConfig(decode(canonical, value)))
                    .isNotEqualTo(CaConfigEncoder.encodeConfig(CaConfig.defaults()));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"leafcertttl", "LEAFCERTTTL", "leafCertTtl", "Leaf_Cert_TTL", "LEAF_CERT_TTL"})
        void keysMatchIgnoringCaseAsMapstructureDoes(String key) {
            assertThat(decode(key, "5h").leafCertTtl()).isEqualTo(Duration.ofHours(5));
        }

        @Test
        void theExactPascalCaseNameWinsOverEveryOtherSpelling() {
            CaConfig c = decode("leaf_cert_ttl", "2h", "LeafCertTTL", "3h", "leafcertttl", "4h");
            assertThat(c.leafCertTtl()).isEqualTo(Duration.ofHours(3));
        }

        @Test
        void theSnakeCaseAliasWinsOverAnotherCaseOfThePascalCaseName() {
            assertThat(decode("leafcertttl", "4h", "leaf_cert_ttl", "2h").leafCertTtl()).isEqualTo(Duration.ofHours(2));
        }

        @Test
        void twoSpellingsOfTheSameRankAreRefusedWhereConsulWouldPickAtRandom() {
            assertRefused(map("leaf_cert_ttl", "2h", "LEAF_CERT_TTL", "3h"), "error decoding config: keys"
                    + " \"LEAF_CERT_TTL\", \"leaf_cert_ttl\" all set 'LeafCertTTL'; send one");
            assertRefused(map("leafcertttl", "2h", "LEAFCERTTTL", "3h"), "error decoding config: keys"
                    + " \"LEAFCERTTTL\", \"leafcertttl\" all set 'LeafCertTTL'; send one");
        }

        @Test
        void unknownKeysAreIgnoredNotStoredAndListedByName() {
            CaConfigRequest r = CaConfigDecoder.decodeConfig(map("SkipValidate", true, "Token", "s.vault-token",
                    "DisableCrossSigning", true, "LeafCertTTL", "1h", "ForceWithoutCrossSigning", true));
            assertThat(r.ignoredKeys()).containsExactly("DisableCrossSigning", "ForceWithoutCrossSigning", "SkipValidate",
                    "Token");
            assertThat(r.config()).isEqualTo(CaConfig.builder().leafCertTtl(Duration.ofHours(1)).build());
            assertThat(CaConfigEncoder.encodeConfig(r.config())).doesNotContainKeys("SkipValidate", "Token");
            assertThat(r.toString()).doesNotContain("s.vault-token");
            assertThat(r.forceWithoutCrossSigning()).isFalse(); // only a top-level field
        }

        @Test
        void skipValidateDoesNotSwitchValidationOff() {
            CaConfig c = decode("SkipValidate", true, "LeafCertTTL", "1m");
            assertThatThrownBy(() -> CaConfigValidator.validate(c))
                    .hasMessage("leaf cert TTL must be greater or equal than 1h0m0s");
        }
    }

    @Nested
    class ErrorsTogether {
        @Test
        void everyFailingKeyIsReportedSortedInOneLine() {
            assertRefused(map("PrivateKeyBits", "x", "LeafCertTTL", "1d", "CSRMaxPerSecond", List.of()),
                    "error decoding config: 'CSRMaxPerSecond' expected type 'float32', got unconvertible type"
                            + " '[]interface {}'; cannot parse 'PrivateKeyBits' as int: strconv.ParseInt: parsing"
                            + " \"x\": invalid syntax; error decoding 'LeafCertTTL': time: unknown unit \"d\" in"
                            + " duration \"1d\"");
        }
    }

    @Nested
    class SuppliedRoots {
        @Test
        void aRootCertAndPrivateKeyGiveASuppliedRootHashedOverTheCertificateDer() {
            CaConfigRequest r = CaConfigDecoder.decodeConfig(map("RootCert", ROOT_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM));
            assertThat(r.config().suppliedRoot()).hasValueSatisfying(root -> {
                assertThat(root.rootCertPem()).isEqualTo(ROOT_PEM);
                assertThat(root.sha256()).isEqualTo(CaConfigDecoder.sha256Hex(ROOT_DER)).hasSize(64);
            });
            assertThat(r.suppliedPrivateKey()).hasValueSatisfying(k -> assertThat(k.pem()).isEqualTo(EC_PRIVATE_KEY_PEM));
        }

        @Test
        void theHashIgnoresPemLineBreaks() {
            String oneLine = "-----BEGIN CERTIFICATE-----\r\n"
                    + java.util.Base64.getEncoder().encodeToString(ROOT_DER) + "\r\n-----END CERTIFICATE-----";
            assertThat(CaConfigDecoder.decodeConfig(map("root_cert", oneLine, "private_key", EC_PRIVATE_KEY_PEM))
                    .config().suppliedRoot())
                    .isEqualTo(CaConfigDecoder.decodeConfig(map("RootCert", ROOT_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM))
                            .config().suppliedRoot());
        }

        @Test
        void aRootCertWithoutAKeyIsRefusedWithConsulsText() {
            assertRefused(map("RootCert", ROOT_PEM), "must provide a private key when providing a root cert");
            assertRefused(map("RootCert", ROOT_PEM, "PrivateKey", ""), "must provide a private key when providing a root cert");
        }

        @Test
        void aKeyWithoutARootCertIsRefused() {
            assertRefused(map("PrivateKey", EC_PRIVATE_KEY_PEM), "must provide a root cert when providing a private key");
        }

        @Test
        void emptyStringsMeanNoSuppliedRoot() {
            CaConfigRequest r = CaConfigDecoder.decodeConfig(map("RootCert", "", "PrivateKey", ""));
            assertThat(r.config().suppliedRoot()).isEmpty();
            assertThat(r.suppliedPrivateKey()).isEmpty();
        }

        @Test
        void aRootCertThatIsNotOneCertificateBlockIsRefused() {
            String message = "RootCert must be exactly one PEM block of type CERTIFICATE";
            assertRefused(map("RootCert", "not pem", "PrivateKey", EC_PRIVATE_KEY_PEM), message);
            assertRefused(map("RootCert", ROOT_PEM + ROOT_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM), message);
            assertRefused(map("RootCert", EC_PRIVATE_KEY_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM), message);
            assertRefused(map("RootCert", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
                    "PrivateKey", EC_PRIVATE_KEY_PEM), message);
        }

        @Test
        void aPrivateKeyOfTheWrongShapeIsRefusedWithoutRepeatingIt() {
            String encrypted = Fixtures.pem("ENCRYPTED PRIVATE KEY", KEY_MARKER.getBytes());
            String legacyEncrypted = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n" + KEY_BODY
                    + "\n-----END RSA PRIVATE KEY-----\n";
            for (String key : List.of(encrypted, legacyEncrypted, KEY_MARKER, EC_PRIVATE_KEY_PEM + EC_PRIVATE_KEY_PEM)) {
                assertThatThrownBy(() -> CaConfigDecoder.decodeConfig(map("RootCert", ROOT_PEM, "PrivateKey", key)))
                        .isInstanceOf(InvalidInput.class)
                        .hasMessage("PrivateKey must be exactly one unencrypted PEM block of type PRIVATE KEY,"
                                + " EC PRIVATE KEY or RSA PRIVATE KEY")
                        .message().doesNotContain(KEY_MARKER).doesNotContain(KEY_BODY);
            }
        }

        @Test
        void aPrivateKeyOfAnUnconvertibleTypeIsNamedButNeverEchoed() {
            assertRefused(map("RootCert", ROOT_PEM, "PrivateKey", List.of(KEY_MARKER)),
                    "error decoding config: 'PrivateKey' expected type 'string', got unconvertible type '[]interface {}'");
        }

        @Test
        void aKeyPastedIntoTheWrongFieldIsNeverRepeatedInTheError() {
            String notRepeated = "(a value of " + EC_PRIVATE_KEY_PEM.length() + " characters, not repeated)";
            assertRefused(map("LeafCertTTL", EC_PRIVATE_KEY_PEM),
                    "error decoding config: error decoding 'LeafCertTTL': time: invalid duration " + notRepeated);
            assertRefused(map("PrivateKeyBits", EC_PRIVATE_KEY_PEM), "error decoding config: cannot parse"
                    + " 'PrivateKeyBits' as int: strconv.ParseInt: parsing " + notRepeated + ": invalid syntax");
            assertRefused(map("CSRMaxPerSecond", EC_PRIVATE_KEY_PEM), "error decoding config: cannot parse"
                    + " 'CSRMaxPerSecond' as float: strconv.ParseFloat: parsing " + notRepeated + ": invalid syntax");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", EC_PRIVATE_KEY_PEM)))
                    .hasMessage("unsupported CA provider " + notRepeated + ": meshfed supports only \"consul\"");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "consul",
                    "ForceWithoutCrossSigning", EC_PRIVATE_KEY_PEM)))
                    .hasMessage("Request decode failed: cannot parse 'ForceWithoutCrossSigning' as bool:"
                            + " strconv.ParseBool: parsing " + notRepeated + ": invalid syntax");
        }

        @Test
        void neitherTheConfigNorTheRequestEverPrintsTheKey() {
            CaConfigRequest r = CaConfigDecoder.decodeConfig(map("RootCert", ROOT_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM));
            for (String text : List.of(r.toString(), r.config().toString(), r.suppliedPrivateKey().orElseThrow().toString(),
                    r.config().suppliedRoot().orElseThrow().toString(), CaConfigEncoder.encodeConfig(r.config()).toString(),
                    CaConfigEncoder.encodeResponse(r.config(), 1, 2).toString())) {
                assertThat(text).doesNotContain(KEY_MARKER).doesNotContain(KEY_BODY).doesNotContain("PRIVATE KEY");
            }
            assertThat(r.suppliedPrivateKey().orElseThrow().toString()).isEqualTo("SuppliedPrivateKey[redacted]");
            assertThat(r.toString()).contains("PrivateKey=supplied, redacted");
        }
    }

    @Nested
    class Requests {
        @Test
        void aMinimalRequestIsTheConsulProviderWithDefaults() {
            CaConfigRequest r = CaConfigDecoder.decodeRequest(map("Provider", "consul"));
            assertThat(r.provider()).isEqualTo("consul");
            assertThat(r.config()).isEqualTo(CaConfig.defaults());
            assertThat(r.forceWithoutCrossSigning()).isFalse();
            assertThat(r.suppliedPrivateKey()).isEmpty();
        }

        @Test
        void theConfigIsDecodedWeakly() {
            CaConfigRequest r = CaConfigDecoder.decodeRequest(map("Provider", "consul", "Config",
                    map("LeafCertTTL", "24h", "private_key_bits", "384"), "CreateIndex", 5, "ModifyIndex", 7));
            assertThat(r.config().leafCertTtl()).isEqualTo(Duration.ofHours(24));
            assertThat(r.config().privateKeyBits()).isEqualTo(384);
        }

        @Test
        void aProviderOtherThanConsulIsRefusedClearly() {
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "vault", "Config", map())))
                    .isInstanceOf(InvalidInput.class)
                    .hasMessage("unsupported CA provider \"vault\": meshfed supports only \"consul\"");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Config", map())))
                    .hasMessage("unsupported CA provider \"\": meshfed supports only \"consul\"");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "Consul")))
                    .hasMessage("unsupported CA provider \"Consul\": meshfed supports only \"consul\"");
        }

        @Test
        void topLevelKeysMatchIgnoringCaseAsGoJsonDoes() {
            CaConfigRequest r = CaConfigDecoder.decodeRequest(map("provider", "consul", "config", map("LeafCertTTL", "2h"),
                    "forcewithoutcrosssigning", true));
            assertThat(r.config().leafCertTtl()).isEqualTo(Duration.ofHours(2));
            assertThat(r.forceWithoutCrossSigning()).isTrue();
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("provider", "consul", "PROVIDER", "consul")))
                    .hasMessage("Request decode failed: keys \"PROVIDER\", \"provider\" all set Provider; send one");
        }

        static Stream<Arguments> forceWithoutCrossSigningReadsBothSpellingsWeakly() {
            return Stream.of(
                    arguments(map("ForceWithoutCrossSigning", true), true),
                    arguments(map("ForceWithoutCrossSigning", "true"), true),
                    arguments(map("ForceWithoutCrossSigning", "1"), true),
                    arguments(map("ForceWithoutCrossSigning", 1), true),
                    arguments(map("ForceWithoutCrossSigning", "false"), false),
                    arguments(map("ForceWithoutCrossSigning", ""), false),
                    arguments(map("force_without_cross_signing", true), true),
                    arguments(map("force_without_cross_signing", "T"), true),
                    arguments(map("ForceWithoutCrossSigning", false, "force_without_cross_signing", true), true),
                    arguments(map("ForceWithoutCrossSigning", true, "force_without_cross_signing", false), true),
                    arguments(map(), false));
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource
        void forceWithoutCrossSigningReadsBothSpellingsWeakly(Map<String, Object> flags, boolean expected) {
            Map<String, Object> body = map("Provider", "consul");
            body.putAll(flags);
            assertThat(CaConfigDecoder.decodeRequest(body).forceWithoutCrossSigning()).isEqualTo(expected);
        }

        @Test
        void anUnreadableForceFlagIsRefusedNamingIt() {
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "consul",
                    "force_without_cross_signing", "yes")))
                    .hasMessage("Request decode failed: cannot parse 'force_without_cross_signing' as bool:"
                            + " strconv.ParseBool: parsing \"yes\": invalid syntax");
        }

        @Test
        void wrongJsonTypesAtTheTopLevelAreRefused() {
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", 1)))
                    .hasMessage("Request decode failed: Provider must be a string, got float64");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "consul", "Config", "LeafCertTTL=1h")))
                    .hasMessage("Request decode failed: Config must be an object, got string");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "consul", "State", List.of())))
                    .hasMessage("Request decode failed: State must be an object, got []interface {}");
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(null))
                    .hasMessage("Request decode failed: the body must be a JSON object");
        }

        @Test
        void aNonEmptyStateIsRefusedWithConsulsText() {
            assertThatThrownBy(() -> CaConfigDecoder.decodeRequest(map("Provider", "consul", "State", map("ID", "x"))))
                    .hasMessage("Provider State is read-only. It must be omitted or identical to the current value");
            assertThat(CaConfigDecoder.decodeRequest(map("Provider", "consul", "State", map())).config())
                    .isEqualTo(CaConfig.defaults());
            assertThat(CaConfigDecoder.decodeRequest(map("Provider", "consul", "State", null)).config())
                    .isEqualTo(CaConfig.defaults());
        }
    }
}
