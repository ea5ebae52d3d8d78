package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.custody.CustodyUnavailable;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotAuthorized;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.store.StoreUnavailable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorMapperTest {

    /** Captures log records. */
    static final class CapturingLogger implements System.Logger {
        record Entry(Level level, String message, Throwable thrown) {
        }

        final List<Entry> entries = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            entries.add(new Entry(level, msg, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            entries.add(new Entry(level, format, null));
        }
    }

    private final CapturingLogger log = new CapturingLogger();
    private final ErrorMapper mapper = new ErrorMapper(log, () -> "e-1");

    static Stream<Arguments> domainErrors() {
        return Stream.of(
                Arguments.of(new InvalidInput("Invalid index"), 400, "Invalid index", null),
                Arguments.of(new InvalidCsr(InvalidCsr.Reason.BAD_SIGNATURE, "csr signature is invalid"), 400, "csr signature is invalid", null),
                Arguments.of(new NotAuthorized("Permission denied"), 403, "Permission denied", null),
                Arguments.of(new NotFound("Intention not found"), 404, "Intention not found", null),
                Arguments.of(new Conflict("a rotation is already in progress"), 409, "a rotation is already in progress", null),
                Arguments.of(new RateLimited("rate limit exceeded", Duration.ofMillis(1500)), 429, "rate limit exceeded", "2"),
                Arguments.of(new NotReady("CA has not finished initializing", Duration.ofSeconds(10)), 503, "CA has not finished initializing", "10"),
                Arguments.of(new NotPrimary("primary dc1 is unreachable"), 503, "primary dc1 is unreachable", "5"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("domainErrors")
    void domainErrorsGetApiMdStatusesWithTheirMessageAsOnePlainTextLine(Exception e, int status, String body, String retryAfter) {
        HttpResponse r = mapper.toResponse(e);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.header("Content-Type")).hasValue("text/plain; charset=utf-8");
        if (retryAfter == null) {
            assertThat(r.header("Retry-After")).isEmpty();
        } else {
            assertThat(r.header("Retry-After")).hasValue(retryAfter);
        }
        assertThat(log.entries).isEmpty();
    }

    @Test
    void httpRefusalIsAnsweredUnchanged() {
        HttpRefusal refusal = HttpRefusal.of(413, BodyLimits.TOO_LARGE, Map.of());
        assertThat(mapper.toResponse(refusal)).isSameAs(refusal.response());
    }

    static Stream<Throwable> faults() {
        return Stream.of(
                new NullPointerException("Cannot invoke \"String.length()\" because \"secret-key-material\" is null"),
                new IllegalStateException("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE..."),
                new UncheckedIOException(new java.io.IOException("/var/task/dev/meshfed/Secret.class")),
                new KeyUnwrapFailed("unwrap failed for key k1 in dc1"),
                new StackOverflowError(),
                new RuntimeException((String) null));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void unexpectedFailureIs500WithAFixedTextAndAnErrorIdNeverItsMessageOrClass(Throwable fault) {
        HttpResponse r = mapper.toResponse(fault);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("internal error, error ID e-1");
        assertThat(r.header("Content-Type")).hasValue("text/plain; charset=utf-8");
        if (fault.getMessage() != null) {
            assertThat(r.body()).doesNotContain(fault.getMessage());
        }
        assertThat(r.body()).doesNotContain(fault.getClass().getSimpleName()).doesNotContain("at dev.").doesNotContain("Exception");
        assertThat(r.headers()).containsOnlyKeys("Content-Type");
    }

    @Test
    void faultIsLoggedWithItsErrorIdAndTheExceptionItself() {
        IllegalStateException fault = new IllegalStateException("boom");
        mapper.toResponse(fault);
        assertThat(log.entries).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo(System.Logger.Level.ERROR);
            assertThat(e.message()).contains("e-1");
            assertThat(e.thrown()).isSameAs(fault);
        });
    }

    @Test
    void eachFaultGetsItsOwnErrorId() {
        int[] n = {0};
        ErrorMapper m = new ErrorMapper(log, () -> "id-" + (++n[0]));
        assertThat(m.toResponse(new RuntimeException()).body()).endsWith("id-1");
        assertThat(m.toResponse(new RuntimeException()).body()).endsWith("id-2");
        assertThat(new ErrorMapper().toResponse(new RuntimeException()).body())
                .matches("internal error, error ID [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void storageFailureIs503WithRetryAfterAndAFixedTextTheInternalMessageOnlyLogged() {
        HttpResponse r = mapper.toResponse(new StoreUnavailable("ca table: GetItem dc1#bundle: ThrottlingException"));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).hasValue("1");
        assertThat(r.body()).isEqualTo("storage is temporarily unavailable, error ID e-1");
        assertThat(log.entries).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo(System.Logger.Level.WARNING);
            assertThat(e.message()).contains("e-1", "ThrottlingException");
        });
    }

    @Test
    void custodyFailureIs503WithRetryAfterAndAFixedText() {
        HttpResponse r = mapper.toResponse(new CustodyUnavailable("kms decrypt throttled for key k1"));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).hasValue("1");
        assertThat(r.body()).isEqualTo("key custody is temporarily unavailable, error ID e-1").doesNotContain("kms");
    }

    @Test
    void messageWithLineBreaksOrControlCharactersBecomesOneLine() {
        HttpResponse r = mapper.toResponse(new InvalidInput("bad\r\nX-Injected: yes\u0000\u2028end"));
        assertThat(r.body()).isEqualTo("bad  X-Injected: yes  end").doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void overlongMessageIsCut() {
        HttpResponse r = mapper.toResponse(new InvalidInput("x".repeat(5000)));
        assertThat(r.body()).hasSize(ErrorMapper.MAX_MESSAGE_LENGTH);
    }

    @Test
    void emptyMessageGetsAFallbackText() {
        assertThat(mapper.toResponse(new NotAuthorized("")).body()).isEqualTo("Permission denied");
        assertThat(mapper.toResponse(new InvalidInput(null)).body()).isEqualTo("invalid request");
    }

    static Stream<Arguments> retryAfters() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "1"),
                Arguments.of(Duration.ofMillis(1), "1"),
                Arguments.of(Duration.ofSeconds(-5), "1"),
                Arguments.of(Duration.ofSeconds(1), "1"),
                Arguments.of(Duration.ofMillis(1001), "2"),
                Arguments.of(Duration.ofSeconds(30), "30"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Long.toString(Long.MAX_VALUE)),
                Arguments.of(null, "1"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("retryAfters")
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne(Duration d, String header) {
        assertThat(ErrorMapper.retryAfterSeconds(d)).isEqualTo(header);
    }

    @Test
    void retryLaterWithoutADurationStillSendsRetryAfter() {
        assertThat(mapper.toResponse(new NotReady("not ready", null)).header("Retry-After")).hasValue("1");
    }
}
