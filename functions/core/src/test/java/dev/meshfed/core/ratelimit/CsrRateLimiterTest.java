package dev.meshfed.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.core.testing.InMemoryTableStore;
import dev.meshfed.core.clock.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsrRateLimiterTest {

    private static final String DC = "dc1";
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final int THREADS = 8;

    private InMemoryTableStore table;
    private MutableClock clock;
    private PrivateStore store;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        table = new InMemoryTableStore();
        // widen the gap between a read and its conditional write, as a network round trip does,
        // so racing threads really interleave there
        table.beforePut(item -> Thread.yield());
        clock = new MutableClock(T0);
        store = new PrivateStore(table, DC, clock);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private CsrRateLimiter limiter(RandomGenerator random) {
        return new CsrRateLimiter(store, clock, random);
    }

    private CsrRateLimiter limiter() {
        return limiter(new SplittableRandom(1));
    }

    private static CaConfig rate(double perSecond) {
        return CaConfig.builder().csrMaxPerSecond(perSecond).csrMaxConcurrent(0).build();
    }

    private static CaConfig concurrent(int max) {
        return CaConfig.builder().csrMaxPerSecond(0).csrMaxConcurrent(max).build();
    }

    private static ItemKey bucketKey(int shard) {
        return new ItemKey(DC, PrivateStore.CSR_BUCKET, Integer.toString(shard));
    }

    /** A generator that always picks index 0: every request goes to shard 0, or the first free slot. */
    private static final RandomGenerator ALWAYS_ZERO = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public int nextInt(int bound) {
            return 0;
        }
    };

    /** Outcomes of a race: every task run at once on {@link #THREADS} threads. */
    private record Race(int granted, List<RateLimited> refusals) {
    }

    /** {@code perThread} acquisitions on each of {@link #THREADS} threads, all released at the same moment. */
    private Race race(int perThread, Callable<CsrPermit> acquire) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Race>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                int granted = 0;
                List<RateLimited> refused = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    try {
                        acquire.call();
                        granted++;
                    } catch (RateLimited e) {
                        refused.add(e);
                    }
                }
                return new Race(granted, refused);
            }));
        }
        start.countDown();
        int granted = 0;
        List<RateLimited> refused = new ArrayList<>();
        for (Future<Race> f : futures) {
            Race r = f.get();
            granted += r.granted();
            refused.addAll(r.refusals());
        }
        return new Race(granted, refused);
    }

    private BigDecimal storedTokens(int shard) {
        return store.bucket(shard).map(Versioned::value).map(TokenBucket::tokens).orElseThrow();
    }

    // ---- the rate limit ---------------------------------------------------------------------

    @Test
    void threadsRacingOnAFrozenClockAreGrantedExactlyTheBurstAndNoMore() throws Exception {
        CsrRateLimiter limiter = limiter();
        Race race = race(50, () -> limiter.acquire(rate(50)));

        assertThat(race.granted()).isEqualTo(26);
        assertThat(race.refusals()).hasSize(THREADS * 50 - 26);
        assertThat(storedTokens(0)).isEqualByComparingTo("0");
        // every grant is exactly one successful conditional write: none lost, none spent twice
        assertThat(table.writes(bucketKey(0))).isEqualTo(26);
    }

    @Test
    void racingLimitersInSeparateContainersShareOneBudget() throws Exception {
        // one limiter per thread, as Lambda containers are: only the table is shared
        ThreadLocal<CsrRateLimiter> perContainer = ThreadLocal.withInitial(this::limiter);
        Race race = race(20, () -> perContainer.get().acquire(rate(50)));
        assertThat(race.granted()).isEqualTo(26);
    }

    @Test
    void advancingTheClockRefillsExactlyRateTimesElapsed() throws Exception {
        CsrRateLimiter limiter = limiter();
        assertThat(race(10, () -> limiter.acquire(rate(50))).granted()).isEqualTo(26);

        clock.advance(Duration.ofMillis(100)); // 50/s × 0.1 s = 5 tokens
        assertThat(race(10, () -> limiter.acquire(rate(50))).granted()).isEqualTo(5);

        clock.advance(Duration.ofHours(1)); // refill stops at the capacity
        assertThat(race(10, () -> limiter.acquire(rate(50))).granted()).isEqualTo(26);
    }

    @Test
    void aRefusalCarriesConsulsTextAndRetryAfterRoundedUpToWholeSeconds() {
        CsrRateLimiter limiter = limiter();
        limiter.acquire(rate(0.1)); // capacity 1.05: one grant leaves 0.05

        RateLimited refused = catchThrowableOfType(() -> limiter.acquire(rate(0.1)), RateLimited.class);
        assertThat(refused).hasMessage("Rate limit reached, try again later");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(10)); // 0.95 / 0.1 = 9.5 s
    }

    @Test
    void theNextTokenIsGrantedExactlyWhenRetryAfterIsDueNotBefore() {
        CsrRateLimiter limiter = limiter();
        for (int i = 0; i < 26; i++) {
            limiter.acquire(rate(50));
        }
        clock.advance(Duration.ofMillis(20).minusNanos(1));
        assertThatThrownBy(() -> limiter.acquire(rate(50))).isInstanceOf(RateLimited.class);
        clock.advance(Duration.ofNanos(1));
        assertThat(limiter.acquire(rate(50)).kind()).isEqualTo(CsrPermit.Kind.RATE);
    }

    @Test
    void refusalsWriteNothingAndARefusedShardIsNotReadAgainBeforeItsNextToken() {
        CsrRateLimiter limiter = limiter();
        for (int i = 0; i < 26; i++) {
            limiter.acquire(rate(50));
        }
        int writes = table.totalWrites();
        int readsBefore = table.reads(bucketKey(0));

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> limiter.acquire(rate(50))).isInstanceOf(RateLimited.class);
        }
        assertThat(table.totalWrites()).isEqualTo(writes);
        assertThat(table.reads(bucketKey(0))).isEqualTo(readsBefore + 1); // the first refusal read; the rest did not

        clock.advance(Duration.ofMillis(20));
        limiter.acquire(rate(50));
        assertThat(table.reads(bucketKey(0))).isEqualTo(readsBefore + 2);
    }

    @Test
    void aChangedRateIsNotHeldBackByAnEarlierRefusal() {
        CsrRateLimiter limiter = limiter();
        for (int i = 0; i < 26; i++) {
            limiter.acquire(rate(50));
        }
        assertThatThrownBy(() -> limiter.acquire(rate(50))).isInstanceOf(RateLimited.class);
        clock.advance(Duration.ofMillis(10));
        // at 200/s, 10 ms refill 2 tokens; the 50/s refusal must not stop the read
        assertThat(limiter.acquire(rate(200)).kind()).isEqualTo(CsrPermit.Kind.RATE);
    }

    @Test
    void aWriterThatLosesTheRaceReadsAgainAndTheTokenIsSpentOnce() {
        CsrRateLimiter first = limiter();
        CsrRateLimiter second = limiter();
        first.acquire(rate(50)); // 25 left
        AtomicBoolean interleaved = new AtomicBoolean();
        table.beforePut(item -> {
            if (interleaved.compareAndSet(false, true)) {
                second.acquire(rate(50)); // slips in between first's read and its write
            }
        });

        first.acquire(rate(50));

        assertThat(storedTokens(0)).isEqualByComparingTo("23");
        assertThat(table.writes(bucketKey(0))).isEqualTo(3);
    }

    @Test
    void contentionBeyondTheRetryBoundIsRefusedNeverGranted() {
        CsrRateLimiter limiter = limiter();
        table.beforePut(item -> {
            throw new Conflict("another writer always wins");
        });

        RateLimited refused = catchThrowableOfType(() -> limiter.acquire(rate(50)), RateLimited.class);

        assertThat(refused).hasMessage("Rate limit reached, try again later");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(table.reads(bucketKey(0))).isEqualTo(CsrRateLimiter.MAX_ATTEMPTS);
        assertThat(table.totalWrites()).isZero();
    }

    @Test
    void anUnavailableStoreIsNotMistakenForARateLimit() {
        CsrRateLimiter limiter = limiter();
        table.beforePut(item -> {
            throw new StoreUnavailable("private put " + item.key() + ": ThrottlingException");
        });
        assertThatThrownBy(() -> limiter.acquire(rate(50))).isInstanceOf(StoreUnavailable.class);
    }

    // ---- sharding ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}/s -> {1} shards of {2}/s")
    @CsvSource({
            "0.5,    1,    0.5",
            "50,     1,    50",
            "250,    1,    250",
            "250.5,  2,    125.25",
            "251,    2,    125.5",
            "500,    2,    250",
            "501,    3,    167",
            "700,    3,    233.333333333",
            "1000,   4,    250",
            "4000,   16,   250",
            "1e9,    1000, 1000000",
    })
    void theRateIsSplitIntoCeilRateOver250Shards(BigDecimal rate, int shards, BigDecimal shardRate) {
        assertThat(CsrRateLimiter.shards(rate)).isEqualTo(shards);
        assertThat(CsrRateLimiter.shardRate(rate)).isEqualByComparingTo(shardRate);
        // the shards together never exceed the DC's rate, and fall short by less than 10^-9 each
        BigDecimal total = CsrRateLimiter.shardRate(rate).multiply(BigDecimal.valueOf(shards));
        assertThat(total).isLessThanOrEqualTo(rate)
                .isGreaterThan(rate.subtract(new BigDecimal("1e-9").multiply(BigDecimal.valueOf(shards))));
    }

    @Test
    void shardingSpreadsWritesEvenlyOverTheShardItems() {
        CsrRateLimiter limiter = limiter(new SplittableRandom(7));
        int granted = 0;
        for (int i = 0; i < 4000; i++) {
            clock.advance(Duration.ofMillis(1)); // 1,000 requests per second, the configured rate
            try {
                limiter.acquire(rate(1000));
                granted++;
            } catch (RateLimited e) {
                // a momentarily empty shard
            }
        }
        int[] writes = new int[4];
        for (int shard = 0; shard < 4; shard++) {
            writes[shard] = table.writes(bucketKey(shard));
            assertThat(writes[shard]).as("writes to shard %d", shard).isBetween(850, 1150);
        }
        assertThat(table.writes(bucketKey(4))).isZero();
        assertThat(writes[0] + writes[1] + writes[2] + writes[3]).isEqualTo(granted);
        // a steady load at the configured rate is almost never refused by an empty shard
        assertThat(granted).isGreaterThanOrEqualTo(3_960);
    }

    @Test
    void aFrozenClockGrantsAtMostEveryShardsBurstAndEachShardAtMostItsOwn() throws Exception {
        CsrRateLimiter limiter = limiter(new SplittableRandom(3));
        Race race = race(250, () -> limiter.acquire(rate(1000))); // 2,000 requests, 4 shards of 126

        assertThat(race.granted()).isEqualTo(4 * 126);
        for (int shard = 0; shard < 4; shard++) {
            assertThat(table.writes(bucketKey(shard))).isEqualTo(126);
            assertThat(storedTokens(shard)).isEqualByComparingTo("0");
        }
    }

    @Test
    void aRequestCanBeRefusedByItsShardWhileAnotherShardStillHasTokens() {
        // the documented price of sharding: shards do not lend each other tokens
        CsrRateLimiter limiter = limiter(ALWAYS_ZERO);
        for (int i = 0; i < 126; i++) {
            limiter.acquire(rate(500)); // 2 shards of 250/s, capacity 126 each
        }
        assertThatThrownBy(() -> limiter.acquire(rate(500))).isInstanceOf(RateLimited.class);
        assertThat(store.bucket(1)).isEmpty(); // shard 1 was never touched: it is still full
    }

    // ---- no limit and which limit applies --------------------------------------------------

    @Test
    void withBothLimitsOffNothingIsReadOrWritten() {
        CsrPermit permit = limiter().acquire(rate(0));
        assertThat(permit.kind()).isEqualTo(CsrPermit.Kind.UNLIMITED);
        permit.close();
        assertThat(table.totalReads()).isZero();
        assertThat(table.totalWrites()).isZero();
    }

    @Test
    void theRateLimitAppliesWhenBothAreSetAsInConsul() {
        CaConfig both = CaConfig.builder().csrMaxPerSecond(50).csrMaxConcurrent(1).build();
        CsrRateLimiter limiter = limiter();
        CsrPermit held = limiter.acquire(both);
        assertThat(held.kind()).isEqualTo(CsrPermit.Kind.RATE);
        assertThat(limiter.acquire(both).kind()).isEqualTo(CsrPermit.Kind.RATE); // not limited to 1 in flight
        assertThat(store.csrLeases()).isEmpty();
    }

    // ---- the concurrency limit --------------------------------------------------------------

    @Test
    void threadsRacingForSlotsGetExactlyMaxConcurrentLeases() throws Exception {
        CsrRateLimiter limiter = limiter(new SplittableRandom(5));
        Race race = race(5, () -> limiter.acquire(concurrent(3))); // 40 attempts, none released

        assertThat(race.granted()).isEqualTo(3);
        assertThat(race.refusals()).allSatisfy(e -> {
            assertThat(e).hasMessage("Rate limit reached, try again later");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(store.csrLeases()).hasSize(3).allSatisfy(l -> assertThat(l.value().heldAt(clock.instant())).isTrue());
    }

    @Test
    void signingsInFlightNeverExceedMaxConcurrentWhileAcquiringAndReleasingRace() throws Exception {
        CsrRateLimiter limiter = limiter(new SplittableRandom(11));
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Race race = race(200, () -> {
            try (CsrPermit permit = limiter.acquire(concurrent(2))) {
                int now = inFlight.incrementAndGet();
                most.accumulateAndGet(now, Math::max);
                Thread.yield();
                inFlight.decrementAndGet();
                return permit;
            }
        });
        assertThat(most.get()).isLessThanOrEqualTo(2);
        assertThat(race.granted()).isPositive();
        assertThat(store.csrLeases()).allSatisfy(l -> assertThat(l.value().releasedAt()).isNotNull());
    }

    @Test
    void releasingAPermitFreesItsSlotAndReleasingTwiceIsHarmless() {
        CsrRateLimiter limiter = limiter();
        CsrPermit a = limiter.acquire(concurrent(1));
        assertThatThrownBy(() -> limiter.acquire(concurrent(1))).isInstanceOf(RateLimited.class);

        a.close();
        a.close();
        CsrPermit b = limiter.acquire(concurrent(1));
        assertThatThrownBy(() -> limiter.acquire(concurrent(1))).isInstanceOf(RateLimited.class);
        b.close();
    }

    @Test
    void aLeaseThatIsNeverReleasedExpiresSoACrashedSignerCannotLeakItsSlot() {
        CsrRateLimiter limiter = limiter();
        limiter.acquire(concurrent(2)); // never closed: the Lambda crashed
        limiter.acquire(concurrent(2));

        clock.advance(CsrRateLimiter.DEFAULT_LEASE_TTL.minusNanos(1));
        assertThatThrownBy(() -> limiter.acquire(concurrent(2))).isInstanceOf(RateLimited.class);
        clock.advance(Duration.ofNanos(1));
        assertThat(limiter.acquire(concurrent(2)).kind()).isEqualTo(CsrPermit.Kind.CONCURRENCY);
    }

    @Test
    void aLateReleaseAfterExpiryDoesNotFreeTheNewHoldersSlot() {
        CsrRateLimiter limiter = limiter();
        CsrPermit slow = limiter.acquire(concurrent(1));
        clock.advance(CsrRateLimiter.DEFAULT_LEASE_TTL);
        CsrPermit next = limiter.acquire(concurrent(1)); // takes the expired slot over

        slow.close(); // conflicts on the slot's version and frees nothing

        assertThatThrownBy(() -> limiter.acquire(concurrent(1))).isInstanceOf(RateLimited.class);
        next.close();
        assertThat(limiter.acquire(concurrent(1)).kind()).isEqualTo(CsrPermit.Kind.CONCURRENCY);
    }

    @Test
    void aReleaseThatFindsTheStoreDownDoesNotThrowAndTheLeaseExpiresLater() {
        CsrRateLimiter limiter = limiter();
        CsrPermit permit = limiter.acquire(concurrent(1));
        table.beforePut(item -> {
            throw new StoreUnavailable("private put " + item.key() + ": InternalServerError");
        });
        permit.close();
        table.beforePut(item -> { });

        assertThatThrownBy(() -> limiter.acquire(concurrent(1))).isInstanceOf(RateLimited.class);
        clock.advance(CsrRateLimiter.DEFAULT_LEASE_TTL);
        assertThat(limiter.acquire(concurrent(1)).kind()).isEqualTo(CsrPermit.Kind.CONCURRENCY);
    }

    @Test
    void afterLoweringMaxConcurrentLeasesInHigherSlotsStillCountUntilTheyEnd() {
        CsrRateLimiter limiter = limiter(ALWAYS_ZERO); // fills slots 0, 1, 2, 3 in order
        List<CsrPermit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(limiter.acquire(concurrent(4)));
        }
        held.get(0).close();
        held.get(1).close(); // slots 2 and 3 still held: 2 in flight

        assertThatThrownBy(() -> limiter.acquire(concurrent(2))).isInstanceOf(RateLimited.class);
        held.get(2).close();
        assertThat(limiter.acquire(concurrent(2)).kind()).isEqualTo(CsrPermit.Kind.CONCURRENCY);
    }

    @Test
    void aLeaseTtlMustBePositive() {
        assertThatThrownBy(() -> new CsrRateLimiter(store, clock, new SplittableRandom(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
