package dev.meshfed.app.http;

import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.error.InvalidInput;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The blocking-read parameters of one request, {@code ?index=N&wait=<duration>}, parsed as Consul
 * parses them ({@code parseWait} in Consul's {@code agent/http.go}) and bounded as meshfed must.
 *
 * <ul>
 *   <li>{@code index}: an unsigned 64-bit decimal (Go's {@code strconv.ParseUint}: digits only, no
 *       sign, no spaces, at most 18446744073709551615). Absent, empty or 0: the read does not block.
 *       Anything else: 400 {@code Invalid index}, Consul's text.</li>
 *   <li>{@code wait}: a Go duration ({@link GoDuration}). Absent, empty, zero or negative: Consul's
 *       default of 5 minutes. Unparseable: 400 {@code Invalid wait time}, Consul's text. The result
 *       is capped at {@code MaxBlockingWait} (default {@value #DEFAULT_MAX_BLOCKING_WAIT_SECONDS} s,
 *       configurable up to {@value #MAX_BLOCKING_WAIT_LIMIT_SECONDS} s), where Consul caps at 10
 *       minutes (meshfed: a waiting Lambda costs money and concurrency, and API Gateway ends an
 *       integration after 30 s).</li>
 *   <li>Only the first value of each counts, as with Go's {@code Values.Get}.</li>
 * </ul>
 *
 * <p>Jitter: Consul adds a random stagger of up to wait/16 ({@code JitterFraction}) so that many
 * clients blocked on one change do not all time out together. meshfed keeps the spread but
 * subtracts it ({@link #waitWithJitter}), so the cap stays a hard bound; returning a little early
 * is allowed, since a blocking read's return never promises a change.
 */
public final class BlockingQuery {

    static final long DEFAULT_MAX_BLOCKING_WAIT_SECONDS = 10;
    static final long MAX_BLOCKING_WAIT_LIMIT_SECONDS = 25;

    /** {@code MaxBlockingWait} when not configured. */
    public static final Duration DEFAULT_MAX_BLOCKING_WAIT = Duration.ofSeconds(DEFAULT_MAX_BLOCKING_WAIT_SECONDS);
    /** The largest {@code MaxBlockingWait} that may be configured (under API Gateway's 30 s). */
    public static final Duration MAX_BLOCKING_WAIT_LIMIT = Duration.ofSeconds(MAX_BLOCKING_WAIT_LIMIT_SECONDS);
    /** The smallest {@code MaxBlockingWait} that may be configured. */
    public static final Duration MIN_BLOCKING_WAIT_LIMIT = Duration.ofSeconds(1);
    /** Consul's wait when the client gives none ({@code DefaultQueryTime}). */
    public static final Duration CONSUL_DEFAULT_WAIT = Duration.ofMinutes(5);
    /** Consul's jitter divisor ({@code structs.JitterFraction}): up to wait/16. */
    public static final int JITTER_FRACTION = 16;

    /** Consul's text for a bad {@code index}. */
    public static final String INVALID_INDEX = "Invalid index";
    /** Consul's text for a bad {@code wait}. */
    public static final String INVALID_WAIT = "Invalid wait time";

    private final long minIndex;
    private final Duration wait;
    private final Optional<Duration> requestedWait;

    private BlockingQuery(long minIndex, Duration wait, Optional<Duration> requestedWait) {
        this.minIndex = minIndex;
        this.wait = wait;
        this.requestedWait = requestedWait;
    }

    /**
     * Parses {@code index} and {@code wait} from {@code query}.
     *
     * @param maxBlockingWait the DC's {@code MaxBlockingWait}, between 1 s and 25 s
     * @throws InvalidInput {@value #INVALID_INDEX} or {@value #INVALID_WAIT}
     * @throws IllegalArgumentException if {@code maxBlockingWait} is out of range (a configuration bug)
     */
    public static BlockingQuery parse(QueryString query, Duration maxBlockingWait) {
        Objects.requireNonNull(query, "query");
        checkMaxBlockingWait(maxBlockingWait);
        Optional<Duration> requested = Optional.empty();
        String waitText = query.first("wait").orElse("");
        if (!waitText.isEmpty()) {
            try {
                requested = Optional.of(GoDuration.parse(waitText));
            } catch (InvalidInput e) {
                throw new InvalidInput(INVALID_WAIT);
            }
        }
        long index = 0;
        String indexText = query.first("index").orElse("");
        if (!indexText.isEmpty()) {
            index = parseUint64(indexText);
        }
        Duration wait = requested.filter(d -> !d.isNegative() && !d.isZero()).orElse(CONSUL_DEFAULT_WAIT);
        if (wait.compareTo(maxBlockingWait) > 0) {
            wait = maxBlockingWait;
        }
        return new BlockingQuery(index, wait, requested);
    }

    /**
     * Checks a configured {@code MaxBlockingWait}.
     *
     * @throws IllegalArgumentException unless it is between 1 s and 25 s
     */
    public static Duration checkMaxBlockingWait(Duration maxBlockingWait) {
        Objects.requireNonNull(maxBlockingWait, "maxBlockingWait");
        if (maxBlockingWait.compareTo(MIN_BLOCKING_WAIT_LIMIT) < 0 || maxBlockingWait.compareTo(MAX_BLOCKING_WAIT_LIMIT) > 0) {
            throw new IllegalArgumentException("MaxBlockingWait must be between 1s and 25s, not "
                    + GoDuration.format(maxBlockingWait));
        }
        return maxBlockingWait;
    }

    /** The client's {@code index}, unsigned; 0 when absent. */
    public long minIndex() {
        return minIndex;
    }

    /** Whether the read blocks: an {@code index} other than 0 was given. */
    public boolean blocking() {
        return minIndex != 0;
    }

    /** How long a blocking read waits at most: the requested (or default) wait, capped. */
    public Duration maxWait() {
        return wait;
    }

    /** The {@code wait} the client sent, parsed, before defaults and the cap. */
    public Optional<Duration> requestedWait() {
        return requestedWait;
    }

    /**
     * Whether a read at {@code currentIndex} can answer now: the read does not block, or the index
     * has moved past the client's (compared unsigned). Like Consul, an index that went backwards
     * (lower than the client's) does not answer at once; the client resets on its next call.
     */
    public boolean answersAt(long currentIndex) {
        return !blocking() || Long.compareUnsigned(currentIndex, minIndex) > 0;
    }

    /**
     * {@link #maxWait()} less a random stagger of up to wait/16, drawn from {@code random}: the time to
     * wait for this request, never more than the cap.
     */
    public Duration waitWithJitter(RandomGenerator random) {
        long spread = wait.toNanos() / JITTER_FRACTION;
        if (spread <= 0) {
            return wait;
        }
        return wait.minusNanos(random.nextLong(spread));
    }

    /** Go's {@code strconv.ParseUint(s, 10, 64)}: ASCII digits only, up to 2^64 - 1. */
    private static long parseUint64(String text) {
        if (text.length() > 20) {
            throw new InvalidInput(INVALID_INDEX);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidInput(INVALID_INDEX);
            }
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidInput(INVALID_INDEX);
        }
    }

    @Override
    public String toString() {
        return "BlockingQuery[index=" + Long.toUnsignedString(minIndex) + ", wait=" + GoDuration.format(wait) + "]";
    }
}
