package dev.meshfed.core.ratelimit;

import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.ratelimit.TokenBucketMath.Take;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.Versioned;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * A datacenter's CSR limit (certificates.md, leaf CSR check 8), shared by every Lambda of the DC
 * through the private table. Which limit applies follows Consul's {@code SignCertificate}:
 * {@code CSRMaxPerSecond > 0}: a token bucket; otherwise {@code CSRMaxConcurrent > 0}: a limit on
 * signings in flight; both 0: no limit. A refusal is {@link RateLimited} with Consul's text
 * {@value #RATE_LIMITED} and a {@code Retry-After}. Unlike Consul, nothing waits: Consul lets a
 * request wait up to 500 ms for a token or a slot, and {@link TokenBucketMath} gives the bucket the
 * capacity that admits the same requests at once; a waiting Lambda would be billed for idling.
 *
 * <h2>Rate: a token bucket in conditional writes</h2>
 * One {@code acquire} reads its shard ({@code <dc>#csr-bucket#<shard>}, consistent read), computes
 * with {@link TokenBucketMath}, and writes the new state conditionally on the version it read. If
 * another Lambda wrote in between, the write fails with {@link Conflict} and the whole step is
 * repeated from a fresh read, at most {@value #MAX_ATTEMPTS} times; after that the request is
 * refused (429, {@code Retry-After: 1}) rather than granted, since a shard that contended is busy.
 * Every token granted is one successful conditional write, so no token is spent twice and none is
 * lost. A refusal writes nothing.
 *
 * <h2>Sharding</h2>
 * One DynamoDB item takes about 1,000 writes per second. Above {@value #SHARD_RATE} per second the
 * rate is split across {@code S = ceil(rate / 250)} items (at most {@value #MAX_SHARDS}), each with
 * {@code rate / S} (rounded down to {@code 10^-9} per second, so the shards together never exceed
 * the configured rate), and each request picks one shard uniformly at random from the injected
 * {@link RandomGenerator}. That keeps each item at or below 250 grants per second plus failed
 * conditional writes. The price: shards are independent, so a request can be refused by an empty
 * shard while another still has tokens. Over many requests random choice spreads the load evenly,
 * so this costs at most a little of the burst under uneven arrivals; the DC's total never exceeds
 * its rate. Below 250 per second there is one shard and no such effect.
 *
 * <h2>Refused shards are not read again too early</h2>
 * After a shard refuses, this limiter remembers when that shard's next token is due and refuses
 * locally until then, without reading the item. Refill is deterministic, so nothing can add a token
 * earlier (except a writer whose clock runs ahead, and then this container is only a little
 * stricter than it needs to be). Without this, a flood of refused requests would each cost a
 * consistent read of one item and could reach DynamoDB's per-partition read limit, turning 429s
 * into 503s. The memory is per limiter instance (per Lambda container) and per shard rate, so a
 * configuration change is seen at once.
 *
 * <h2>Concurrency: leases in slots</h2>
 * With {@code CSRMaxPerSecond = 0} and {@code CSRMaxConcurrent = N > 0}, a signing holds one of
 * {@code N} slots ({@code <dc>#csr-lease#<0..N-1>}). {@code acquire} lists the slot items
 * (consistent query), counts the leases held now, and, if fewer than {@code N}, claims a random
 * free slot with a conditional write on that slot's version ({@link Conflict}: another Lambda got
 * it; list again, at most {@value #MAX_ATTEMPTS} times). Each slot holds at most one lease, so at
 * most {@code N} signings are in flight; one item per slot spreads the writes, where a single
 * counter item would take two writes per signing and serialise every signer on one version.
 * {@link CsrPermit#close()} marks the slot released, conditional on the version it claimed. A lease
 * also carries an expiry, {@code acquiredAt + leaseTtl}: a Lambda that crashes, or times out, before
 * releasing frees its slot when the lease expires, so no slot leaks for longer than one TTL. The
 * TTL must therefore be longer than the signing function's timeout, or a slow but live signing
 * could lose its slot to another; the default {@link #DEFAULT_LEASE_TTL} is the 30 s at which API
 * Gateway gives up on a request. A release that comes after the lease expired and the slot was
 * taken again fails its condition and frees nothing. When {@code N} is lowered, leases in slots at
 * or above the new {@code N} still count until they end, so the new limit holds within one TTL.
 *
 * <p>Thread-safe. Store failures ({@link StoreUnavailable}) pass through: the caller answers 503.
 */
public final class CsrRateLimiter {

    /** Consul's text for a refused signing ({@code structs.ErrRateLimited}). */
    public static final String RATE_LIMITED = "Rate limit reached, try again later";

    /** The most grants per second one bucket item is asked to take (a quarter of DynamoDB's per-item write limit). */
    public static final int SHARD_RATE = 250;

    /** The most shards: 250,000 signatures per second; beyond that each shard takes more than {@link #SHARD_RATE}. */
    public static final int MAX_SHARDS = 1_000;

    /** Reads and conditional writes one {@code acquire} tries before it refuses. */
    public static final int MAX_ATTEMPTS = 10;

    /**
     * How long a concurrency slot stays taken when its holder never releases it: the 30 s after
     * which API Gateway answers 504 anyway. The signing function's timeout must not be longer.
     */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

    /** {@code Retry-After} for a refusal by the concurrency limit or by contention: signings take milliseconds. */
    public static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    /** Decimal places of a shard's rate when the DC's rate does not divide evenly. */
    static final int SHARD_RATE_SCALE = 9;

    private static final BigDecimal SHARD_RATE_DECIMAL = BigDecimal.valueOf(SHARD_RATE);

    private final PrivateStore store;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration leaseTtl;
    private final Map<Integer, EmptyShard> emptyShards = new ConcurrentHashMap<>();

    /** A limiter with {@link #DEFAULT_LEASE_TTL}. */
    public CsrRateLimiter(PrivateStore store, Clock clock, RandomGenerator random) {
        this(store, clock, random, DEFAULT_LEASE_TTL);
    }

    /**
     * @param store the DC's private table
     * @param clock the time buckets are refilled to and leases expire by
     * @param random picks shards and free slots; used under a lock, so any generator will do
     * @param leaseTtl how long an unreleased concurrency slot stays taken; longer than the signing
     *     function's timeout
     */
    public CsrRateLimiter(PrivateStore store, Clock clock, RandomGenerator random, Duration leaseTtl) {
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.random = Objects.requireNonNull(random, "random generator must not be null");
        Objects.requireNonNull(leaseTtl, "lease ttl must not be null");
        if (leaseTtl.isNegative() || leaseTtl.isZero()) {
            throw new IllegalArgumentException("lease ttl must be positive: " + leaseTtl);
        }
        this.leaseTtl = leaseTtl;
    }

    /**
     * Leave to sign one leaf under the DC's configuration; close the permit when signing is done.
     *
     * @throws RateLimited with {@value #RATE_LIMITED} and a {@code Retry-After} of at least one
     *     second when the limit is reached (or the limit's items are too contended to decide)
     * @throws StoreUnavailable when the private table cannot answer
     */
    public CsrPermit acquire(CaConfig config) {
        Objects.requireNonNull(config, "configuration must not be null");
        double rate = config.csrMaxPerSecond();
        if (rate > 0) {
            return takeToken(BigDecimal.valueOf(rate));
        }
        if (config.csrMaxConcurrent() > 0) {
            return takeSlot(config.csrMaxConcurrent());
        }
        return CsrPermit.unlimited();
    }

    /** {@code S = ceil(rate / 250)}, at least 1 and at most {@value #MAX_SHARDS}. */
    public static int shards(BigDecimal csrMaxPerSecond) {
        BigDecimal s = csrMaxPerSecond.divide(SHARD_RATE_DECIMAL, 0, RoundingMode.CEILING);
        return s.compareTo(BigDecimal.valueOf(MAX_SHARDS)) >= 0 ? MAX_SHARDS : Math.max(1, s.intValueExact());
    }

    /** Each shard's rate, {@code rate / S}: exact when it terminates, else rounded down to {@code 10^-9}. */
    public static BigDecimal shardRate(BigDecimal csrMaxPerSecond) {
        int shards = shards(csrMaxPerSecond);
        if (shards == 1) {
            return csrMaxPerSecond;
        }
        return csrMaxPerSecond.divide(BigDecimal.valueOf(shards), Math.max(SHARD_RATE_SCALE, csrMaxPerSecond.scale()),
                RoundingMode.FLOOR).stripTrailingZeros();
    }

    // ---- rate --------------------------------------------------------------------------------

    private CsrPermit takeToken(BigDecimal rate) {
        int shards = shards(rate);
        BigDecimal shardRate = shardRate(rate);
        TokenBucketMath math = TokenBucketMath.perSecond(shardRate);
        int shard = shards == 1 ? 0 : nextInt(shards);

        EmptyShard empty = emptyShards.get(shard);
        Instant now = clock.instant();
        if (empty != null && empty.shardRate().compareTo(shardRate) == 0 && now.isBefore(empty.nextTokenAt())) {
            throw limited(TokenBucketMath.retryAfter(Duration.between(now, empty.nextTokenAt())));
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<TokenBucket>> stored = store.bucket(shard);
            Instant at = clock.instant();
            TokenBucket bucket = stored.map(Versioned::value).orElseGet(() -> math.full(at));
            Take take = math.take(bucket, at);
            if (take instanceof Take.Refused refused) {
                emptyShards.put(shard, new EmptyShard(shardRate, plusSaturating(at, refused.untilNextToken())));
                throw limited(refused.retryAfter());
            }
            try {
                store.putBucket(shard, ((Take.Granted) take).bucket(), stored.map(Versioned::version).orElse(0L));
                return CsrPermit.rate();
            } catch (Conflict anotherWriterFirst) {
                // another Lambda took a token (or refilled) since our read: read again
            }
        }
        throw limited(BUSY_RETRY_AFTER);
    }

    /** When a shard with this rate will next hold a whole token, as seen by this limiter. */
    private record EmptyShard(BigDecimal shardRate, Instant nextTokenAt) {
    }

    // ---- concurrency -------------------------------------------------------------------------

    private CsrPermit takeSlot(int max) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<Versioned<CsrLease>> leases = store.csrLeases();
            Instant now = clock.instant();
            Map<Integer, Versioned<CsrLease>> bySlot = new HashMap<>();
            int held = 0;
            for (Versioned<CsrLease> lease : leases) {
                Integer slot = slotOf(lease);
                if (slot == null) {
                    continue;
                }
                bySlot.put(slot, lease);
                if (lease.value().heldAt(now)) {
                    held++;
                }
            }
            if (held >= max) {
                throw limited(BUSY_RETRY_AFTER);
            }
            // held < max, so at least one slot below max is free
            List<Integer> free = new ArrayList<>();
            for (int slot = 0; slot < max; slot++) {
                Versioned<CsrLease> lease = bySlot.get(slot);
                if (lease == null || !lease.value().heldAt(now)) {
                    free.add(slot);
                }
            }
            int slot = free.get(nextInt(free.size()));
            Versioned<CsrLease> previous = bySlot.get(slot);
            CsrLease lease = new CsrLease(now, plusSaturating(now, leaseTtl), null);
            try {
                long version = store.putCsrLease(slot, lease, previous == null ? 0 : previous.version());
                return CsrPermit.lease(() -> release(slot, lease, version));
            } catch (Conflict anotherSignerFirst) {
                // another Lambda claimed this slot since our read: list again
            }
        }
        throw limited(BUSY_RETRY_AFTER);
    }

    private void release(int slot, CsrLease lease, long version) {
        try {
            store.putCsrLease(slot, lease.releasedAt(clock.instant()), version);
        } catch (Conflict expiredAndTakenOver) {
            // the lease had expired and another signer holds the slot now: it is not ours to free
        } catch (StoreUnavailable storeDown) {
            // the lease expires by itself; failing the signing that already happened would help no one
        }
    }

    private static Integer slotOf(Versioned<CsrLease> lease) {
        try {
            int slot = Integer.parseInt(lease.key().id());
            return slot >= 0 ? slot : null;
        } catch (NumberFormatException notASlot) {
            return null;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private int nextInt(int bound) {
        synchronized (random) {
            return random.nextInt(bound);
        }
    }

    private static RateLimited limited(Duration retryAfter) {
        return new RateLimited(RATE_LIMITED, retryAfter);
    }

    private static Instant plusSaturating(Instant instant, Duration duration) {
        try {
            return instant.plus(duration);
        } catch (DateTimeException | ArithmeticException beyondTheLastInstant) {
            return Instant.MAX;
        }
    }
}
