package dev.meshfed.app.intentions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.app.http.Json;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionRequest;
import dev.meshfed.core.store.Versioned;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consul's JSON shapes of intentions ({@code structs.Intention}) in and out, and of authorize.
 * {@code Permissions} is kept as JSON text: decoded only to check it is an array of objects,
 * stored compact, and written back as JSON. {@code Precedence}, {@code CreatedAt},
 * {@code UpdatedAt} and the indexes are read-only: a client's values are not even read.
 */
final class IntentionsJson {

    private IntentionsJson() {
    }

    /** An intention in a request body (create, update, exact upsert). */
    record IntentionBody(@JsonProperty("ID") String id, @JsonProperty("Description") String description,
            @JsonProperty("SourceNS") String sourceNs, @JsonProperty("SourceName") String sourceName,
            @JsonProperty("DestinationNS") String destinationNs, @JsonProperty("DestinationName") String destinationName,
            @JsonProperty("SourceType") String sourceType, @JsonProperty("Action") String action,
            @JsonProperty("Permissions") JsonNode permissions, @JsonProperty("Meta") Map<String, String> meta,
            @JsonProperty("SourceDatacenter") String sourceDatacenter,
            @JsonProperty("DestinationDatacenter") String destinationDatacenter) {

        /** The core request; absent ({@code null}) datacenter fields stay absent. */
        IntentionRequest toRequest() {
            return new IntentionRequest(sourceNs, sourceName, destinationNs, destinationName,
                    Optional.ofNullable(sourceDatacenter), Optional.ofNullable(destinationDatacenter), sourceType, action,
                    permissionsText(permissions), description, IntentionsJson.meta(meta));
        }
    }

    /** The body of {@code POST /v1/agent/connect/authorize}. */
    record AuthorizeBody(@JsonProperty("Target") String target, @JsonProperty("ClientCertURI") String clientCertUri,
            @JsonProperty("ClientCertSerial") String clientCertSerial) {
    }

    @JsonPropertyOrder({"Authorized", "Reason"})
    record AuthorizeOut(@JsonProperty("Authorized") boolean authorized, @JsonProperty("Reason") String reason) {
    }

    record CheckOut(@JsonProperty("Allowed") boolean allowed) {
    }

    record IdOut(@JsonProperty("ID") String id) {
    }

    /** An intention out, as Consul writes one (meshfed's datacenter fields only when set). */
    @JsonPropertyOrder({"ID", "Description", "SourceNS", "SourceName", "DestinationNS", "DestinationName",
            "SourceType", "Action", "Permissions", "Meta", "Precedence", "SourceDatacenter", "DestinationDatacenter",
            "CreatedAt", "UpdatedAt", "CreateIndex", "ModifyIndex"})
    record IntentionOut(@JsonProperty("ID") String id, @JsonProperty("Description") String description,
            @JsonProperty("SourceNS") String sourceNs, @JsonProperty("SourceName") String sourceName,
            @JsonProperty("DestinationNS") String destinationNs, @JsonProperty("DestinationName") String destinationName,
            @JsonProperty("SourceType") String sourceType,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("Action") String action,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue @JsonProperty("Permissions") String permissions,
            @JsonProperty("Meta") Map<String, String> meta, @JsonProperty("Precedence") int precedence,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("SourceDatacenter") String sourceDatacenter,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("DestinationDatacenter") String destinationDatacenter,
            @JsonProperty("CreatedAt") String createdAt, @JsonProperty("UpdatedAt") String updatedAt,
            @JsonProperty("CreateIndex") long createIndex, @JsonProperty("ModifyIndex") long modifyIndex) {

        /** {@code v}'s intention; both indexes are the item's version (meshfed keeps no separate create index). */
        static IntentionOut of(Versioned<Intention> v) {
            Intention i = v.value();
            return new IntentionOut(i.id(), nz(i.description()), i.sourceNs(), i.sourceName(), i.destinationNs(),
                    i.destinationName(), i.sourceType(), i.action(), i.permissions(), i.meta(), i.precedence(),
                    i.sourceDatacenter(), i.destinationDatacenter(), i.createdAt().toString(), i.updatedAt().toString(),
                    v.version(), v.version());
        }
    }

    private static final java.util.Set<String> HTTP_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT",
            "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /**
     * Consul's checks of one permission's HTTP match ({@code IntentionHTTPPermission} in
     * {@code config_entry_intentions.go}), plus the JSON types of every field it knows, so what is
     * stored and replicated is something every Consul client can decode back.
     */
    private static void httpPermission(int k, JsonNode http) {
        String at = "Permissions[" + k + "].HTTP";
        int paths = 0;
        for (String f : List.of("PathExact", "PathPrefix", "PathRegex")) {
            JsonNode v = http.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual()) {
                throw new InvalidInput("invalid JSON body: field \"" + at + "." + f + "\": expected a string");
            }
            if (v.asText().isEmpty()) {
                continue;
            }
            paths++;
            if (!f.equals("PathRegex") && !v.asText().startsWith("/")) {
                throw new InvalidInput(at + "." + f + " doesn't start with '/': \"" + UntrustedText.bounded(v.asText())
                        + "\"");
            }
        }
        if (paths > 1) {
            throw new InvalidInput(at + " should only contain at most one of PathExact, PathPrefix, or PathRegex");
        }
        JsonNode headers = http.get("Header");
        if (headers != null && !headers.isNull()) {
            if (!headers.isArray()) {
                throw new InvalidInput("invalid JSON body: field \"" + at + ".Header\": expected an array");
            }
            int h = 0;
            for (JsonNode header : headers) {
                String hat = at + ".Header[" + h + "]";
                if (!header.isObject()) {
                    throw new InvalidInput("invalid JSON body: field \"" + hat + "\": expected an object");
                }
                if (!header.path("Name").isTextual() || header.get("Name").asText().isEmpty()) {
                    throw new InvalidInput(hat + " missing required Name field");
                }
                int matches = 0;
                for (String f : List.of("Exact", "Prefix", "Suffix", "Regex")) {
                    JsonNode v = header.get(f);
                    if (v != null && !v.isNull()) {
                        if (!v.isTextual()) {
                            throw new InvalidInput("invalid JSON body: field \"" + hat + "." + f + "\": expected a string");
                        }
                        matches += v.asText().isEmpty() ? 0 : 1;
                    }
                }
                for (String f : List.of("Present", "Invert")) {
                    JsonNode v = header.get(f);
                    if (v != null && !v.isNull() && !v.isBoolean()) {
                        throw new InvalidInput("invalid JSON body: field \"" + hat + "." + f + "\": expected a boolean");
                    }
                }
                if (header.path("Present").asBoolean(false)) {
                    matches++;
                }
                if (matches > 1) {
                    throw new InvalidInput(hat + " should only contain one of Present, Exact, Prefix, Suffix, or Regex");
                }
                h++;
            }
        }
        JsonNode methods = http.get("Methods");
        if (methods != null && !methods.isNull()) {
            if (!methods.isArray()) {
                throw new InvalidInput("invalid JSON body: field \"" + at + ".Methods\": expected an array");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (JsonNode m : methods) {
                if (!m.isTextual()) {
                    throw new InvalidInput("invalid JSON body: field \"" + at + ".Methods\": expected strings");
                }
                if (!HTTP_METHODS.contains(m.asText())) {
                    throw new InvalidInput(at + ".Methods contains an invalid method \"" + UntrustedText.bounded(m.asText())
                            + "\"");
                }
                if (!seen.add(m.asText())) {
                    throw new InvalidInput(at + ".Methods contains \"" + m.asText() + "\" more than once");
                }
            }
        }
    }

    /** The L7 permissions as compact JSON text; null when absent, JSON null or an empty array. */
    static String permissionsText(JsonNode permissions) {
        if (permissions == null || permissions.isNull()) {
            return null;
        }
        if (!permissions.isArray()) {
            throw new InvalidInput("invalid JSON body: field \"Permissions\": expected an array");
        }
        int k = 0;
        for (JsonNode p : permissions) {
            if (!p.isObject()) {
                throw new InvalidInput("invalid JSON body: field \"Permissions\": expected an array of objects");
            }
            // Consul's checks of each permission (config_entry_intentions.go); L7 rules are for
            // proxies and count as deny here, but what is stored must be valid for every client
            String action = p.path("Action").isTextual() ? p.get("Action").asText() : "";
            if (!action.equals("allow") && !action.equals("deny")) {
                throw new InvalidInput("Permissions[" + k + "].Action must be set to 'allow' or 'deny'");
            }
            if (!p.path("HTTP").isObject()) {
                throw new InvalidInput("Permissions[" + k + "].HTTP is required");
            }
            httpPermission(k, p.get("HTTP"));
            k++;
        }
        return permissions.isEmpty() ? null : Json.write(permissions);
    }

    /** {@code Meta} with every value a string (JSON null values are refused, not dropped). */
    static Map<String, String> meta(Map<String, String> meta) {
        if (meta == null) {
            return Map.of();
        }
        meta.forEach((k, v) -> {
            if (v == null) {
                throw new InvalidInput("invalid JSON body: field \"Meta." + UntrustedText.bounded(k)
                        + "\": expected a string");
            }
        });
        return meta;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
