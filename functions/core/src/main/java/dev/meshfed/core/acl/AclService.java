package dev.meshfed.core.acl;

import dev.meshfed.core.acl.AclRequests.CreatedToken;
import dev.meshfed.core.acl.AclRequests.PolicyRef;
import dev.meshfed.core.acl.AclRequests.PolicyRequest;
import dev.meshfed.core.acl.AclRequests.ResolvedToken;
import dev.meshfed.core.acl.AclRequests.TokenRequest;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotAuthorized;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.Versioned;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Consul's ACL tokens and policies over the intentions table: one method per use case. Writes
 * happen only in the primary (the store's owner guard refuses anything else; secondaries forward
 * them); every DC resolves tokens from its own replica ({@link #resolve}).
 *
 * <p>Texts of refusals are Consul's, so existing tooling recognises them. A token's secret exists
 * in plain text only in the request that brings it and in the response that creates it.
 */
public final class AclService {

    /** Consul's anonymous token: what a request without a token acts as. */
    public static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";
    /** Consul's policy name rule. */
    public static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Consul's service identity name rule. */
    public static final Pattern SERVICE_IDENTITY_NAME = Pattern.compile("[a-z0-9]([a-z0-9_-]*[a-z0-9])?");
    /** The longest service identity name (Consul's service name limit). */
    public static final int MAX_SERVICE_NAME = 256;
    /** The longest description kept: bounds item size (meshfed; Consul has no limit). */
    public static final int MAX_DESCRIPTION = 1024;
    /** The most policy links or service identities on one token (meshfed bound on item size). */
    public static final int MAX_LINKS = 64;
    /** The most datacenters one policy or service identity may name. */
    public static final int MAX_DATACENTERS = 64;
    /**
     * How old a policy-name link without its policy must be before a create takes it over (a write
     * interrupted between its two steps); far longer than any write takes.
     */
    public static final java.time.Duration RECLAIM_AFTER = java.time.Duration.ofMinutes(2);
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final IntentionStore store;
    private final String localDc;
    private final Function<String, PolicyRules> rulesParser;
    private final LongSupplier nextIndex;
    private final Supplier<String> uuids;
    private final Clock clock;
    /** Parsed rules by policy ID and version: resolution parses a policy once per change, not per request. */
    private final Map<String, Parsed> parsed = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Parsed> eldest) {
            return size() > 1024;
        }
    });

    private record Parsed(long version, PolicyRules rules) {
    }

    /**
     * @param rulesParser decodes and validates a policy's rule text ({@code InvalidInput} when bad)
     * @param nextIndex   bumps and returns this DC's change index (the primary's, for writes)
     * @param uuids       random UUIDs, lower-case (accessor IDs, secrets, policy IDs)
     */
    public AclService(IntentionStore store, String localDc, Function<String, PolicyRules> rulesParser,
            LongSupplier nextIndex, Supplier<String> uuids, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.localDc = Objects.requireNonNull(localDc, "localDc");
        this.rulesParser = Objects.requireNonNull(rulesParser, "rulesParser");
        this.nextIndex = Objects.requireNonNull(nextIndex, "nextIndex");
        this.uuids = Objects.requireNonNull(uuids, "uuids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- resolution ---------------------------------------------------------------------------

    /**
     * The token whose secret is {@code secret} ({@code ""}: the anonymous token), from this DC's
     * replica; empty when no such token exists (Consul's {@code ACL not found}). The lookup is by
     * the secret's hash, and the stored hash is compared again in constant time.
     */
    public Optional<ResolvedToken> resolve(String secret) {
        if (secret.isEmpty()) {
            Grants grants = store.token(ANONYMOUS_ACCESSOR, false).map(t -> grantsOf(t.value())).orElse(Grants.none());
            return Optional.of(new ResolvedToken(ANONYMOUS_ACCESSOR, grants));
        }
        String hash = Secrets.sha256Hex(secret);
        Optional<Versioned<AclLink>> link = store.secretLink(hash, false);
        if (link.isEmpty()) {
            return Optional.empty();
        }
        return store.token(link.get().value().target(), false).map(Versioned::value)
                .filter(t -> Secrets.hashesEqual(t.secretSha256(), hash))
                .map(t -> new ResolvedToken(t.accessorId(), grantsOf(t)));
    }

    private Grants grantsOf(AclToken token) {
        if (token.policyIds().contains(BuiltinPolicies.GLOBAL_MANAGEMENT_ID)) {
            return Grants.globalManagement();
        }
        List<PolicyRules> rules = new ArrayList<>();
        for (String id : token.policyIds()) {
            store.policy(id, false).filter(p -> p.value().appliesIn(localDc)).map(this::rulesOf).ifPresent(rules::add);
        }
        return Grants.of(rules, token.serviceIdentities(), localDc);
    }

    private PolicyRules rulesOf(Versioned<AclPolicy> policy) {
        Parsed cached = parsed.get(policy.value().id());
        if (cached != null && cached.version() == policy.version()) {
            return cached.rules();
        }
        PolicyRules rules;
        try {
            rules = rulesParser.apply(policy.value().rules());
        } catch (InvalidInput storedButInvalid) {
            // validated when written; should a stored text ever fail, it grants nothing (fail closed)
            rules = PolicyRules.EMPTY;
        }
        parsed.put(policy.value().id(), new Parsed(policy.version(), rules));
        return rules;
    }

    // ---- bootstrap ----------------------------------------------------------------------------

    /**
     * The first management token, once. Two concurrent bootstraps both write a token, but only one
     * takes the marker (a conditional create); the other deletes its token and is refused, so
     * exactly one management token comes out of bootstrap.
     *
     * @throws NotAuthorized once bootstrap has happened, with Consul's text
     */
    public CreatedToken bootstrap() {
        Optional<Versioned<AclLink>> done = store.bootstrapMarker(true);
        if (done.isPresent()) {
            throw bootstrapRefused(done.get());
        }
        CreatedToken created = createToken(new TokenRequest(Optional.empty(), Optional.empty(),
                "Bootstrap Token (Global Management)",
                List.of(new PolicyRef(Optional.of(BuiltinPolicies.GLOBAL_MANAGEMENT_ID), Optional.empty())), List.of(),
                false));
        try {
            store.createBootstrapMarker(new AclLink(created.token().accessorId(), clock.instant()));
        } catch (Conflict lost) {
            deleteTokenItems(created.token().accessorId());
            throw bootstrapRefused(store.bootstrapMarker(true).orElseThrow(() -> lost));
        }
        return created;
    }

    private static NotAuthorized bootstrapRefused(Versioned<AclLink> marker) {
        return new NotAuthorized("Permission denied: ACL bootstrap no longer allowed (reset index: "
                + marker.version() + ")");
    }

    // ---- policies -----------------------------------------------------------------------------

    /** Every policy, the built-in one first. */
    public List<Versioned<AclPolicy>> policies() {
        List<Versioned<AclPolicy>> out = new ArrayList<>();
        out.add(builtin());
        out.addAll(store.policies(false));
        return out;
    }

    public Versioned<AclPolicy> policy(String id) {
        if (BuiltinPolicies.isBuiltin(id)) {
            return builtin();
        }
        return store.policy(id, false).orElseThrow(() -> new NotFound("ACL not found"));
    }

    public Versioned<AclPolicy> policyByName(String name) {
        if (BuiltinPolicies.GLOBAL_MANAGEMENT_NAME.equals(name)) {
            return builtin();
        }
        return store.policyNameLink(name, false).flatMap(l -> store.policy(l.value().target(), false))
                .filter(p -> p.value().name().equals(name)).orElseThrow(() -> new NotFound("ACL not found"));
    }

    private static Versioned<AclPolicy> builtin() {
        return new Versioned<>(null, BuiltinPolicies.GLOBAL_MANAGEMENT, 0, Instant.EPOCH, null);
    }

    /** Creates a policy: validated, its name taken by a conditional create, then the policy written. */
    public AclPolicy createPolicy(PolicyRequest request) {
        validate(request);
        String id = uuids.get();
        takeName(request.name(), id);
        long index = nextIndex.getAsLong();
        Instant now = clock.instant();
        AclPolicy policy = new AclPolicy(id, request.name(), request.description(), request.rules(),
                request.datacenters(), now, now, index, index);
        store.putPolicy(policy, 0);
        return policy;
    }

    /** Replaces policy {@code id}; a rename takes the new name first and frees the old one after. */
    public AclPolicy updatePolicy(String id, PolicyRequest request) {
        if (BuiltinPolicies.isBuiltin(id)) {
            throw new InvalidInput("Changing the builtin global-management policy is not permitted");
        }
        validate(request);
        Versioned<AclPolicy> current = store.policy(id, true)
                .orElseThrow(() -> new NotFound("cannot find policy " + UntrustedText.bounded(id)));
        String oldName = current.value().name();
        boolean renamed = !oldName.equals(request.name());
        if (renamed) {
            takeName(request.name(), id);
        }
        long index = nextIndex.getAsLong();
        AclPolicy policy = new AclPolicy(id, request.name(), request.description(), request.rules(),
                request.datacenters(), current.value().createdAt(), clock.instant(), current.value().createIndex(), index);
        store.putPolicy(policy, current.version());
        if (renamed) {
            store.policyNameLink(oldName, true).filter(l -> l.value().target().equals(id))
                    .ifPresent(l -> store.deletePolicyNameLink(oldName, l.version()));
        }
        return policy;
    }

    /** Deletes policy {@code id} (tokens linking it lose it, as in Consul); then frees its name. */
    public void deletePolicy(String id) {
        if (BuiltinPolicies.isBuiltin(id)) {
            throw new InvalidInput("Deletion of the builtin global-management policy is not permitted");
        }
        Optional<Versioned<AclPolicy>> current = store.policy(id, true);
        if (current.isEmpty()) {
            return; // Consul answers true for a policy that is already gone
        }
        store.deletePolicy(id, current.get().version());
        nextIndex.getAsLong();
        String name = current.get().value().name();
        store.policyNameLink(name, true).filter(l -> l.value().target().equals(id))
                .ifPresent(l -> store.deletePolicyNameLink(name, l.version()));
    }

    private void takeName(String name, String id) {
        if (BuiltinPolicies.GLOBAL_MANAGEMENT_NAME.equals(name)) {
            throw nameTaken(name);
        }
        Optional<Versioned<AclLink>> link = store.policyNameLink(name, true);
        if (link.isPresent()) {
            // a link whose policy is gone or renamed is left over from an interrupted write: reclaim it
            boolean live = store.policy(link.get().value().target(), true)
                    .filter(p -> p.value().name().equals(name)).isPresent();
            if (live && !link.get().value().target().equals(id)) {
                throw nameTaken(name);
            }
            if (!live && link.get().value().createdAt().plus(RECLAIM_AFTER).isAfter(clock.instant())) {
                // a young link without its policy: another create is between its two writes
                throw new Conflict("policy name " + name + " is being written concurrently; retry");
            }
            store.deletePolicyNameLink(name, link.get().version());
        }
        try {
            store.createPolicyNameLink(name, new AclLink(id, clock.instant()));
        } catch (Conflict concurrent) {
            throw nameTaken(name);
        }
    }

    private static InvalidInput nameTaken(String name) {
        return new InvalidInput("Invalid Policy: A Policy with Name \"" + name + "\" already exists");
    }

    private void validate(PolicyRequest request) {
        if (!POLICY_NAME.matcher(request.name()).matches()) {
            throw new InvalidInput("Invalid Policy: invalid Name. Only alphanumeric characters, '-' and '_' are allowed"
                    + " (1 to 128 characters)");
        }
        description(request.description());
        datacenters(request.datacenters(), "policy");
        rulesParser.apply(request.rules());
    }

    // ---- tokens -------------------------------------------------------------------------------

    /** Every token (secrets are not stored, so none is shown). */
    public List<Versioned<AclToken>> tokens() {
        return store.tokens(false);
    }

    public Versioned<AclToken> token(String accessorId) {
        return store.token(accessorId, false).orElseThrow(() -> new NotFound("ACL not found"));
    }

    /** The token with {@code accessorId}, if stored (the anonymous token is not, until first updated). */
    public Optional<AclToken> findToken(String accessorId) {
        return store.token(accessorId, false).map(Versioned::value);
    }

    /** The names of {@code token}'s linked policies that still exist, by ID (deleted ones are dropped). */
    public Map<String, String> policyNames(AclToken token) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String id : token.policyIds()) {
            if (BuiltinPolicies.isBuiltin(id)) {
                names.put(id, BuiltinPolicies.GLOBAL_MANAGEMENT_NAME);
            } else {
                store.policy(id, false).ifPresent(p -> names.put(id, p.value().name()));
            }
        }
        return names;
    }

    /**
     * Creates a token: the secret link first (a conditional create, which also refuses a secret in
     * use), then the token item (conditional on the accessor being new). A failure between the two
     * leaves a link to nothing, which resolves to nothing.
     */
    public CreatedToken createToken(TokenRequest request) {
        String accessor = request.accessorId().map(a -> uuid(a, "AccessorID")).orElseGet(uuids);
        String secret = request.secretId().map(s -> uuid(s, "SecretID")).orElseGet(uuids);
        if (accessor.equals(ANONYMOUS_ACCESSOR)) {
            throw new InvalidInput("Invalid Token: AccessorID is already in use");
        }
        description(request.description());
        List<String> policyIds = policyIds(request.policies());
        List<AclToken.ServiceIdentity> identities = identities(request.serviceIdentities());
        if (store.token(accessor, true).isPresent()) {
            throw new InvalidInput("Invalid Token: AccessorID is already in use");
        }
        String hash = Secrets.sha256Hex(secret);
        Instant now = clock.instant();
        try {
            store.createSecretLink(hash, new AclLink(accessor, now));
        } catch (Conflict inUse) {
            throw new InvalidInput("Invalid Token: SecretID is already in use");
        }
        long index = nextIndex.getAsLong();
        AclToken token = new AclToken(accessor, hash, request.description(), policyIds, identities, request.local(),
                now, index, index);
        try {
            store.putToken(token, 0);
        } catch (Conflict raced) {
            store.secretLink(hash, true).ifPresent(l -> store.deleteSecretLink(hash, l.version()));
            throw new InvalidInput("Invalid Token: AccessorID is already in use");
        }
        return new CreatedToken(token, secret);
    }

    /**
     * Replaces a token's description, policies and service identities. Its secret cannot change: a
     * SecretID in the request must be the token's. The anonymous token may be updated (given
     * policies) even before it is first stored, as in Consul.
     */
    public AclToken updateToken(String accessorId, TokenRequest request) {
        if (request.accessorId().isPresent() && !request.accessorId().get().equals(accessorId)) {
            throw new InvalidInput("Token AccessorID in URL and payload do not match");
        }
        description(request.description());
        List<String> policyIds = policyIds(request.policies());
        List<AclToken.ServiceIdentity> identities = identities(request.serviceIdentities());
        Optional<Versioned<AclToken>> current = store.token(accessorId, true);
        Instant now = clock.instant();
        if (current.isEmpty()) {
            if (!accessorId.equals(ANONYMOUS_ACCESSOR)) {
                throw new NotFound("Cannot find token " + UntrustedText.bounded(accessorId));
            }
            long index = nextIndex.getAsLong();
            AclToken anonymous = new AclToken(ANONYMOUS_ACCESSOR, Secrets.sha256Hex("anonymous"),
                    request.description(), policyIds, identities, false, now, index, index);
            store.putToken(anonymous, 0);
            return anonymous;
        }
        AclToken old = current.get().value();
        if (request.secretId().isPresent()
                && !Secrets.hashesEqual(Secrets.sha256Hex(request.secretId().get()), old.secretSha256())) {
            throw new InvalidInput("Changing a tokens SecretID is not permitted");
        }
        long index = nextIndex.getAsLong();
        AclToken updated = new AclToken(old.accessorId(), old.secretSha256(), request.description(), policyIds,
                identities, old.local(), old.createdAt(), old.createIndex(), index);
        store.putToken(updated, current.get().version());
        return updated;
    }

    /**
     * Deletes a token, then its secret link; from then on the secret resolves to nothing, in every
     * DC once replicated.
     *
     * @param callerAccessor the accessor of the token making the request: Consul refuses to delete it
     */
    public void deleteToken(String accessorId, String callerAccessor) {
        if (accessorId.equals(ANONYMOUS_ACCESSOR)) {
            throw new InvalidInput("Delete operation not permitted on the anonymous token");
        }
        if (accessorId.equals(callerAccessor)) {
            throw new InvalidInput("Deletion of the request's authorization token is not permitted");
        }
        if (store.token(accessorId, true).isEmpty()) {
            return; // already gone: Consul answers true
        }
        deleteTokenItems(accessorId);
        nextIndex.getAsLong();
    }

    private void deleteTokenItems(String accessorId) {
        Optional<Versioned<AclToken>> token = store.token(accessorId, true);
        if (token.isEmpty()) {
            return;
        }
        String hash = token.get().value().secretSha256();
        store.deleteToken(accessorId, token.get().version());
        store.secretLink(hash, true).filter(l -> l.value().target().equals(accessorId))
                .ifPresent(l -> store.deleteSecretLink(hash, l.version()));
    }

    private List<String> policyIds(List<PolicyRef> refs) {
        if (refs.size() > MAX_LINKS) {
            throw new InvalidInput("Invalid Token: more than " + MAX_LINKS + " policy links");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (PolicyRef ref : refs) {
            if (ref.id().isPresent() && !ref.id().get().isEmpty()) {
                String id = ref.id().get();
                if (!BuiltinPolicies.isBuiltin(id) && store.policy(id, true).isEmpty()) {
                    throw new InvalidInput("No such ACL policy with ID \"" + UntrustedText.bounded(id) + "\"");
                }
                ids.add(id);
            } else if (ref.name().isPresent() && !ref.name().get().isEmpty()) {
                String name = ref.name().get();
                try {
                    ids.add(BuiltinPolicies.GLOBAL_MANAGEMENT_NAME.equals(name) ? BuiltinPolicies.GLOBAL_MANAGEMENT_ID
                            : policyByName(name).value().id());
                } catch (NotFound missing) {
                    throw new InvalidInput("No such ACL policy with name \"" + UntrustedText.bounded(name) + "\"");
                }
            } else {
                throw new InvalidInput("Invalid Token: a policy link needs an ID or a Name");
            }
        }
        return List.copyOf(ids);
    }

    private static List<AclToken.ServiceIdentity> identities(List<AclToken.ServiceIdentity> identities) {
        if (identities.size() > MAX_LINKS) {
            throw new InvalidInput("Invalid Token: more than " + MAX_LINKS + " service identities");
        }
        Map<String, AclToken.ServiceIdentity> byName = new LinkedHashMap<>();
        for (AclToken.ServiceIdentity id : identities) {
            String name = id.serviceName();
            if (name.length() > MAX_SERVICE_NAME || !SERVICE_IDENTITY_NAME.matcher(name).matches()) {
                throw new InvalidInput("Service identity \"" + UntrustedText.bounded(name) + "\" has an invalid name."
                        + " Only lowercase alphanumeric characters, '-' and '_' are allowed");
            }
            datacenters(id.datacenters(), "service identity " + name);
            byName.put(name, id); // Consul de-duplicates by name
        }
        return List.copyOf(byName.values());
    }

    private static void datacenters(List<String> datacenters, String what) {
        if (datacenters.size() > MAX_DATACENTERS) {
            throw new InvalidInput("invalid " + what + ": more than " + MAX_DATACENTERS + " datacenters");
        }
        for (String dc : datacenters) {
            new Datacenter(dc); // InvalidInput with the datacenter rule's text
        }
    }

    private static void description(String description) {
        if (description.length() > MAX_DESCRIPTION) {
            throw new InvalidInput("invalid Description: longer than " + MAX_DESCRIPTION + " characters");
        }
    }

    private static String uuid(String value, String field) {
        if (!UUID.matcher(value).matches()) {
            throw new InvalidInput("Invalid Token: " + field + " is not a valid UUID");
        }
        return value;
    }
}
