package dev.meshfed.app.acl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.meshfed.core.acl.AclPolicy;
import dev.meshfed.core.acl.AclToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Consul's JSON shapes of ACL tokens and policies ({@code structs.ACLToken}, {@code ACLPolicy} and
 * their list stubs), as bodies in and out. {@code Hash} is meshfed's: a SHA-256 over the fields
 * that define what the object grants (Consul uses BLAKE2b; clients treat it as opaque).
 */
final class AclJson {

    private AclJson() {
    }

    /** A policy in a request body. */
    record PolicyBody(@JsonProperty("ID") String id, @JsonProperty("Name") String name,
            @JsonProperty("Description") String description, @JsonProperty("Rules") String rules,
            @JsonSetter(contentNulls = Nulls.FAIL) @JsonProperty("Datacenters") List<String> datacenters) {
    }

    /** A policy link, in and out: {@code {"ID":...}} or {@code {"Name":...}}. */
    @JsonPropertyOrder({"ID", "Name"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PolicyLink(@JsonProperty("ID") String id, @JsonProperty("Name") String name) {
    }

    /** A service identity, in and out. */
    @JsonPropertyOrder({"ServiceName", "Datacenters"})
    record ServiceIdentity(@JsonProperty("ServiceName") String serviceName,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonSetter(contentNulls = Nulls.FAIL)
            @JsonProperty("Datacenters") List<String> datacenters) {
    }

    /**
     * A token in a request body. Consul fields meshfed does not implement (roles, node and templated
     * identities, expiry) are read only to refuse them when set: silently dropping a field that
     * changes what a token grants or how long it lives would surprise its author.
     */
    record TokenBody(@JsonProperty("AccessorID") String accessorId, @JsonProperty("SecretID") String secretId,
            @JsonProperty("Description") String description, @JsonProperty("Policies") List<PolicyLink> policies,
            @JsonProperty("ServiceIdentities") List<ServiceIdentity> serviceIdentities,
            @JsonProperty("Local") Boolean local, @JsonProperty("Roles") List<Object> roles,
            @JsonProperty("NodeIdentities") List<Object> nodeIdentities,
            @JsonProperty("TemplatedPolicies") List<Object> templatedPolicies,
            @JsonProperty("ExpirationTime") String expirationTime, @JsonProperty("ExpirationTTL") Object expirationTtl) {
    }

    /** A policy out ({@code GET /v1/acl/policy/...}, create and update responses). */
    @JsonPropertyOrder({"ID", "Name", "Description", "Rules", "Datacenters", "Hash", "CreateIndex", "ModifyIndex"})
    record PolicyOut(@JsonProperty("ID") String id, @JsonProperty("Name") String name,
            @JsonProperty("Description") String description, @JsonProperty("Rules") String rules,
            @JsonProperty("Datacenters") List<String> datacenters, @JsonProperty("Hash") String hash,
            @JsonProperty("CreateIndex") long createIndex, @JsonProperty("ModifyIndex") long modifyIndex) {

        static PolicyOut of(AclPolicy p) {
            return new PolicyOut(p.id(), p.name(), p.description(), p.rules(),
                    p.datacenters().isEmpty() ? null : p.datacenters(), AclJson.hash(p), p.createIndex(), p.modifyIndex());
        }
    }

    /** A policy in {@code GET /v1/acl/policies}: without its rules, as Consul's stub. */
    @JsonPropertyOrder({"ID", "Name", "Description", "Datacenters", "Hash", "CreateIndex", "ModifyIndex"})
    record PolicyStub(@JsonProperty("ID") String id, @JsonProperty("Name") String name,
            @JsonProperty("Description") String description, @JsonProperty("Datacenters") List<String> datacenters,
            @JsonProperty("Hash") String hash, @JsonProperty("CreateIndex") long createIndex,
            @JsonProperty("ModifyIndex") long modifyIndex) {

        static PolicyStub of(AclPolicy p) {
            return new PolicyStub(p.id(), p.name(), p.description(),
                    p.datacenters().isEmpty() ? null : p.datacenters(), AclJson.hash(p), p.createIndex(), p.modifyIndex());
        }
    }

    /**
     * A token out. {@code SecretID} is present only in the response that creates the token
     * (meshfed keeps only its hash); Consul omits empty {@code Policies} and
     * {@code ServiceIdentities}, and so does this. In the list it is Consul's stub shape, which has
     * the same fields plus {@code Legacy}.
     */
    @JsonPropertyOrder({"AccessorID", "SecretID", "Description", "Policies", "ServiceIdentities", "Local",
            "CreateTime", "Hash", "Legacy", "CreateIndex", "ModifyIndex"})
    record TokenOut(@JsonProperty("AccessorID") String accessorId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("SecretID") String secretId,
            @JsonProperty("Description") String description,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("Policies") List<PolicyLink> policies,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("ServiceIdentities")
            List<ServiceIdentity> serviceIdentities,
            @JsonProperty("Local") boolean local, @JsonProperty("CreateTime") String createTime,
            @JsonProperty("Hash") String hash,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("Legacy") Boolean legacy,
            @JsonProperty("CreateIndex") long createIndex, @JsonProperty("ModifyIndex") long modifyIndex) {

        /** {@code token} with its linked policies' names ({@code names}: ID to name, existing ones only). */
        static TokenOut of(AclToken t, Map<String, String> names, String secretId, boolean stub) {
            List<PolicyLink> links = t.policyIds().stream().filter(names::containsKey)
                    .map(id -> new PolicyLink(id, names.get(id))).toList();
            List<ServiceIdentity> ids = t.serviceIdentities().stream()
                    .map(s -> new ServiceIdentity(s.serviceName(), s.datacenters())).toList();
            return new TokenOut(t.accessorId(), secretId, t.description(), links, ids, t.local(),
                    t.createdAt().toString(), AclJson.hash(t), stub ? Boolean.FALSE : null, t.createIndex(), t.modifyIndex());
        }
    }

    static String hash(AclPolicy p) {
        return sha256(p.name(), p.description(), p.rules(), String.join(",", p.datacenters()));
    }

    static String hash(AclToken t) {
        StringBuilder ids = new StringBuilder();
        t.serviceIdentities().forEach(s -> ids.append(s.serviceName()).append('@')
                .append(String.join(",", s.datacenters())).append(';'));
        return sha256(t.description(), String.join(",", t.policyIds()), ids.toString(), Boolean.toString(t.local()));
    }

    /** Base64 SHA-256 over length-prefixed fields, so no two field lists hash alike. */
    private static String sha256(String... fields) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String f : fields) {
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                digest.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(b);
            }
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
