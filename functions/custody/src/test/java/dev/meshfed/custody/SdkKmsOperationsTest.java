package dev.meshfed.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.CustodyUnavailable;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.custody.WrappedKey;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@link SdkKmsOperations} with the real SDK {@link KmsClient} (built by {@link KmsClients}) talking
 * HTTP to a local server that speaks the KMS JSON 1.1 protocol: what goes on the wire, and how KMS
 * error answers come back out of {@link KmsKeyCustody}.
 */
class SdkKmsOperationsTest {
    private static final String ACCESS_KEY = "AKIDMESHFEDTEST00000";

    private FakeKms kms;
    private KmsWireServer server;
    private KmsClient client;
    private KmsKeyCustody custody;

    @BeforeEach
    void start() throws Exception {
        kms = new FakeKms();
        server = new KmsWireServer(kms);
        client = clientFor(server.endpoint());
        custody = new KmsKeyCustody(new SdkKmsOperations(client), FakeKms.KEY_ARN);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    static KmsClient clientFor(URI endpoint) {
        return KmsClients.create(Region.EU_WEST_1, Optional.of(endpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "not-a-real-secret")));
    }

    static KeyContext contextFor(TestKeys.Named key, KeyPurpose purpose) {
        return new KeyContext("dc1", key.keyId(), purpose);
    }

    static java.util.List<TestKeys.Named> keys() {
        return TestKeys.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aKeyRoundTripsThroughTheRealSdkClient(TestKeys.Named key) {
        KeyContext ctx = contextFor(key, KeyPurpose.INTERMEDIATE);

        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);

        assertThat(custody.unwrap(wrapped, ctx).getEncoded()).isEqualTo(key.pair().getPrivate().getEncoded());
    }

    @Test
    void generateDataKeyCarriesKeyIdKeySpecAes256AndTheExactEncryptionContext() {
        TestKeys.Named key = TestKeys.EC_P256;
        custody.wrap(key.pair().getPrivate(), contextFor(key, KeyPurpose.ROOT));

        assertThat(server.requests()).hasSize(1);
        KmsWireServer.Request request = server.requests().get(0);
        assertThat(request.target()).isEqualTo("TrentService.GenerateDataKey");
        assertThat(request.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                .contains("/eu-west-1/kms/aws4_request");
        assertThat(request.body()).containsOnlyKeys("KeyId", "KeySpec", "EncryptionContext")
                .containsEntry("KeyId", FakeKms.KEY_ARN)
                .containsEntry("KeySpec", "AES_256")
                .containsEntry("EncryptionContext", Map.of(
                        "meshfed:dc", "dc1", "meshfed:keyId", key.keyId(), "meshfed:purpose", "root"));
    }

    @Test
    void decryptCarriesTheStoredBlobTheKeyIdAndTheExactEncryptionContext() {
        TestKeys.Named key = TestKeys.EC_P384;
        KeyContext ctx = contextFor(key, KeyPurpose.ENROLMENT);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);

        custody.unwrap(wrapped, ctx);

        assertThat(server.requests("TrentService.Decrypt")).singleElement().satisfies(request -> {
            assertThat(request.contentType()).isEqualTo("application/x-amz-json-1.1");
            assertThat(request.body()).containsOnlyKeys("KeyId", "CiphertextBlob", "EncryptionContext")
                    .containsEntry("KeyId", FakeKms.KEY_ARN)
                    .containsEntry("EncryptionContext", Map.of(
                            "meshfed:dc", "dc1", "meshfed:keyId", key.keyId(), "meshfed:purpose", "enrolment"));
            assertThat(Base64.getDecoder().decode((String) request.body().get("CiphertextBlob")))
                    .isEqualTo(wrapped.encryptedDataKey());
        });
    }

    @Test
    void anAccessDeniedAnswerIsKeyUnwrapFailedNamingTheKeyWithoutKmsText() {
        kms.denyDecrypt(ctx -> "root".equals(ctx.get("meshfed:purpose")));
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext root = contextFor(key, KeyPurpose.ROOT);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), root);

        assertThatThrownBy(() -> custody.unwrap(wrapped, root))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("KMS refused to decrypt the data key for root key " + key.keyId()
                        + " in dc1: access denied (AccessDeniedException)")
                .hasNoCause();
        assertThat(server.requests("TrentService.Decrypt")).as("a refusal is not retried").hasSize(1);
    }

    @Test
    void aContextMismatchIsRefusedByKmsAsInvalidCiphertext() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key, KeyPurpose.INTERMEDIATE));
        KeyContext otherDc = new KeyContext("dc2", key.keyId(), KeyPurpose.INTERMEDIATE);

        assertThatThrownBy(() -> custody.unwrap(wrapped, otherDc))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("KMS refused to decrypt the data key for intermediate key " + key.keyId()
                        + " in dc2: invalid ciphertext or encryption context (InvalidCiphertextException)");
    }

    @Test
    void anIncorrectKeyAnswerIsKeyUnwrapFailed() {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key, KeyPurpose.INTERMEDIATE);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        server.failWith("TrentService.Decrypt", 400, "IncorrectKeyException");

        assertThatThrownBy(() -> custody.unwrap(wrapped, ctx))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageEndingWith("in dc1: encrypted under another KMS key (IncorrectKeyException)");
    }

    @Test
    void anInternalErrorIsCustodyUnavailableAfterTheSdkRetried() {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key, KeyPurpose.INTERMEDIATE);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        server.failWith("TrentService.Decrypt", 500, "KMSInternalException");

        assertThatThrownBy(() -> custody.unwrap(wrapped, ctx))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessage("KMS could not decrypt the data key for intermediate key " + key.keyId()
                        + " in dc1 now: unavailable (KMSInternalException)")
                .hasNoCause();
        assertThat(server.requests("TrentService.Decrypt")).hasSizeGreaterThan(1);
    }

    @Test
    void aThrottlingAnswerIsCustodyUnavailable() {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key, KeyPurpose.MANAGED_LEAF);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        server.failWith("TrentService.Decrypt", 400, "ThrottlingException");

        assertThatThrownBy(() -> custody.unwrap(wrapped, ctx))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessageEndingWith("in dc1 now: throttled (ThrottlingException)");
    }

    @Test
    void aThrottledGenerateDataKeyIsCustodyUnavailableAndADeniedOneIsAFault() {
        TestKeys.Named key = TestKeys.EC_P256;
        server.failWith("TrentService.GenerateDataKey", 400, "ThrottlingException");
        assertThatThrownBy(() -> custody.wrap(key.pair().getPrivate(), contextFor(key, KeyPurpose.ROOT)))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessageEndingWith("now: throttled (ThrottlingException)");

        server.failWith("TrentService.GenerateDataKey", 400, "AccessDeniedException");
        assertThatThrownBy(() -> custody.wrap(key.pair().getPrivate(), contextFor(key, KeyPurpose.ROOT)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KMS refused to generate a data key for root key " + key.keyId()
                        + " in dc1: access denied (AccessDeniedException)");
    }

    @Test
    void anUnreachableKmsIsCustodyUnavailable() throws Exception {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key, KeyPurpose.INTERMEDIATE);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        URI gone = server.endpoint();
        server.close();

        try (KmsClient unreachable = clientFor(gone)) {
            KmsKeyCustody offline = new KmsKeyCustody(new SdkKmsOperations(unreachable), FakeKms.KEY_ARN);
            assertThatThrownBy(() -> offline.unwrap(wrapped, ctx))
                    .isInstanceOf(CustodyUnavailable.class)
                    .hasMessageStartingWith("KMS could not decrypt the data key for intermediate key ")
                    .hasMessageContaining(" now: unavailable (");
        }
    }

    @Test
    void noKmsErrorTextReachesAnyFailure() {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key, KeyPurpose.INTERMEDIATE);
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        for (String[] answer : new String[][] {{"400", "AccessDeniedException"}, {"400", "InvalidCiphertextException"},
            {"400", "DisabledException"}, {"400", "ValidationException"}, {"400", "ThrottlingException"},
            {"500", "KMSInternalException"}, {"503", "DependencyTimeoutException"}}) {
            server.failWith("TrentService.Decrypt", Integer.parseInt(answer[0]), answer[1]);
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> custody.unwrap(wrapped, ctx));
            assertThat(thrown).as(answer[1]).isInstanceOfAny(KeyUnwrapFailed.class, CustodyUnavailable.class)
                    .hasNoCause();
            assertThat(thrown.getMessage()).as(answer[1]).doesNotContain(KmsWireServer.KMS_MESSAGE_MARKER)
                    .doesNotContain("arn:aws:sts").contains(answer[1]);
        }
    }
}
