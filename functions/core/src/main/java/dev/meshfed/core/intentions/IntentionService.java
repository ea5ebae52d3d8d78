package dev.meshfed.core.intentions;

import dev.meshfed.core.acl.AclLink;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The primary's intention writes, one method per use case (create, update and delete by ID, exact
 * upsert and delete by key), over the intentions table. Runs only in the primary: the store's
 * owner guard refuses anything else, and secondaries forward writes before they get here.
 *
 * <p>Each write is validated ({@link IntentionRules#prepare}), takes its version from the
 * primary's monotonic counter ({@code nextVersion}: the primary's change index, which only grows),
 * is a conditional write on the version read, and is then applied to the primary's own view
 * ({@link IntentionViewApplier}), so the primary reads its writes at once; the stream finds them
 * applied already.
 *
 * <p><b>One intention per key.</b> Uniqueness is kept by a key link item
 * ({@code <primary>#intention-key#<canonical key>} to the ID, {@link IntentionRules#canonicalKey})
 * created conditionally before the intention is written and deleted after it is deleted or
 * re-keyed, in the order {@code AclService} keeps policy names: a half-finished write leaves at
 * most a link to nothing (or to an intention with another key), which the next taker reclaims.
 * Global tables have no cross-region transactions; these are single-item writes in the primary.
 */
public final class IntentionService {

    /**
     * How old a key link without its intention must be before a create takes it over (a write
     * interrupted between its two steps). Far longer than any write takes (an API call ends within
     * API Gateway's 30 s), so a link another create is still finishing is never taken.
     */
    public static final java.time.Duration RECLAIM_AFTER = java.time.Duration.ofMinutes(2);

    /** Consul's text for an unknown intention ID. */
    public static final String NOT_FOUND = "Intention not found";

    private final IntentionStore store;
    private final PrivateStore primaryView;
    private final LongSupplier nextVersion;
    private final Supplier<String> uuids;
    private final Clock clock;

    /**
     * @param store       the intentions table, as the primary writes it
     * @param primaryView the primary's private table (its intention view)
     * @param nextVersion the primary's monotonic counter (its {@code bumpChangeIndex})
     * @param uuids       random lower-case UUIDs for new intentions
     */
    public IntentionService(IntentionStore store, PrivateStore primaryView, LongSupplier nextVersion,
            Supplier<String> uuids, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.primaryView = Objects.requireNonNull(primaryView, "primaryView");
        this.nextVersion = Objects.requireNonNull(nextVersion, "nextVersion");
        this.uuids = Objects.requireNonNull(uuids, "uuids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- reads (the table, consistently: for writes and their tests; API reads use the view) ----

    /** The live intention {@code id} in the table. */
    public Optional<Versioned<Intention>> intention(String id) {
        return store.intention(id, true).filter(v -> !v.value().deleted()).map(IntentionService::live);
    }

    /** The live intention holding {@code key} ({@link Intention#key()}), through its key link. */
    public Optional<Versioned<Intention>> byKey(List<String> key) {
        String canonical = IntentionRules.canonicalKey(key);
        return store.intentionKeyLink(canonical, true).flatMap(l -> intention(l.value().target()))
                .filter(v -> v.value().key().equals(key));
    }

    // ---- writes -------------------------------------------------------------------------------

    /**
     * Creates an intention with a new ID.
     *
     * @throws InvalidInput when invalid, or {@code duplicate intention found: ...} when its key is taken
     */
    public Intention create(IntentionRequest request) {
        Instant now = clock.instant();
        Intention draft = draft(uuids.get(), request, request.sourceDatacenter().orElse(""),
                request.destinationDatacenter().orElse(""), now, now);
        Intention intention = IntentionRules.prepare(draft);
        takeKey(intention);
        write(intention, 0);
        return intention;
    }

    /**
     * Replaces intention {@code id}. Absent datacenter fields keep their stored values; {@code ""}
     * clears one. A key change takes the new key first and frees the old one after the write.
     *
     * @throws NotFound {@value #NOT_FOUND}
     * @throws InvalidInput when invalid or the new key is taken
     */
    public Intention update(String id, IntentionRequest request) {
        Versioned<Intention> current = intention(id).orElseThrow(() -> new NotFound(NOT_FOUND));
        Intention stored = current.value();
        Intention intention = IntentionRules.prepare(draft(id, request,
                request.sourceDatacenter().orElse(stored.sourceDatacenter()),
                request.destinationDatacenter().orElse(stored.destinationDatacenter()), stored.createdAt(),
                clock.instant()));
        replace(current, intention);
        return intention;
    }

    /**
     * Deletes intention {@code id}: a tombstone with a new version, then its key freed.
     *
     * @throws NotFound {@value #NOT_FOUND}
     */
    public void delete(String id) {
        Versioned<Intention> current = intention(id).orElseThrow(() -> new NotFound(NOT_FOUND));
        remove(current);
    }

    /**
     * The exact endpoint's upsert: creates the intention with the request's key, or replaces the
     * one holding it (keeping its ID, creation time and {@code Meta}, which the exact endpoint
     * cannot set).
     *
     * @return the intention as stored
     */
    public Intention upsertExact(IntentionRequest request) {
        Intention probe = IntentionRules.prepare(draft("", request, request.sourceDatacenter().orElse(""),
                request.destinationDatacenter().orElse(""), clock.instant(), clock.instant()));
        Optional<Versioned<Intention>> current = byKey(probe.key());
        if (current.isEmpty()) {
            return create(request);
        }
        Intention stored = current.get().value();
        IntentionRequest keepMeta = new IntentionRequest(request.sourceNs(), request.sourceName(),
                request.destinationNs(), request.destinationName(), Optional.of(probe.sourceDatacenter()),
                Optional.of(probe.destinationDatacenter()), request.sourceType(), request.action(),
                request.permissions(), request.description(),
                request.meta().isEmpty() ? stored.meta() : request.meta());
        return update(stored.id(), keepMeta);
    }

    /**
     * The exact endpoint's delete: deletes the intention holding {@code key}, if any.
     *
     * @return whether there was one
     */
    public boolean deleteExact(List<String> key) {
        Optional<Versioned<Intention>> current = byKey(key);
        current.ifPresent(this::remove);
        return current.isPresent();
    }

    // ---- the steps ----------------------------------------------------------------------------

    private void replace(Versioned<Intention> current, Intention intention) {
        Intention stored = current.value();
        boolean rekeyed = !stored.key().equals(intention.key());
        if (rekeyed) {
            takeKey(intention);
        }
        write(intention, current.version());
        if (rekeyed) {
            releaseKey(stored);
        }
    }

    private void remove(Versioned<Intention> current) {
        IntentionItem tombstone = IntentionItem.tombstone(current.value().id(), clock.instant());
        long version = nextVersion.getAsLong();
        store.putIntention(tombstone, current.version(), version);
        IntentionViewApplier.apply(primaryView, tombstone, version);
        releaseKey(current.value());
    }

    private void write(Intention intention, long expectedVersion) {
        IntentionItem item = IntentionItem.live(intention);
        long version = nextVersion.getAsLong();
        store.putIntention(item, expectedVersion, version);
        IntentionViewApplier.apply(primaryView, item, version);
    }

    /**
     * Takes the key link of {@code intention} for its ID. A link whose target is gone or now has
     * another key is left over from an interrupted write and is reclaimed.
     */
    private void takeKey(Intention intention) {
        String key = IntentionRules.canonicalKey(intention);
        Optional<Versioned<AclLink>> link = store.intentionKeyLink(key, true);
        if (link.isPresent()) {
            String holder = link.get().value().target();
            Optional<Versioned<Intention>> live = intention(holder).filter(v -> v.value().key().equals(intention.key()));
            if (live.isPresent() && !holder.equals(intention.id())) {
                throw duplicate(live.get().value());
            }
            if (live.isPresent()) {
                return; // already ours
            }
            if (link.get().value().createdAt().plus(RECLAIM_AFTER).isAfter(clock.instant())) {
                // a young link without its intention: another create is between its two writes
                throw new Conflict("intention key " + key + " is being written concurrently; retry");
            }
            try {
                store.deleteIntentionKeyLink(key, link.get().version());
            } catch (Conflict | NotFound concurrent) {
                // someone else reclaimed it first: the create below decides
            }
        }
        try {
            store.createIntentionKeyLink(key, new AclLink(intention.id(), clock.instant()));
        } catch (Conflict concurrent) {
            Optional<Versioned<Intention>> winner = byKey(intention.key());
            throw winner.<RuntimeException>map(w -> duplicate(w.value()))
                    .orElseGet(() -> new Conflict("intention key " + key + " is being written concurrently; retry"));
        }
    }

    /** Frees the key link of {@code stored} if it still points at it. */
    private void releaseKey(Intention stored) {
        String key = IntentionRules.canonicalKey(stored);
        store.intentionKeyLink(key, true).filter(l -> l.value().target().equals(stored.id())).ifPresent(l -> {
            try {
                store.deleteIntentionKeyLink(key, l.version());
            } catch (Conflict | NotFound concurrent) {
                // taken over meanwhile: the new holder owns it
            }
        });
    }

    private static InvalidInput duplicate(Intention existing) {
        return new InvalidInput("duplicate intention found: " + IntentionRules.describe(existing));
    }

    private static Intention draft(String id, IntentionRequest r, String sourceDc, String destinationDc,
            Instant createdAt, Instant updatedAt) {
        Map<String, String> meta = r.meta();
        return new Intention(id, r.sourceNs(), r.sourceName(), r.destinationNs(), r.destinationName(), sourceDc,
                destinationDc, r.sourceType(), r.action(), r.permissions(), r.description(), meta, 0, createdAt,
                updatedAt);
    }

    private static Versioned<Intention> live(Versioned<IntentionItem> v) {
        return new Versioned<>(v.key(), v.value().intention(), v.version(), v.updatedAt(), v.expiresAt());
    }
}
