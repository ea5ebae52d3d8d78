package dev.meshfed.dev;

import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.store.embedded.EmbeddedFederation;

import java.util.Objects;

/**
 * A secondary's forwarding path in {@code meshfed dev}: local HTTP to the primary's port, cut while
 * either end is partitioned ({@code /v1/dev/partition}), as a network partition would cut the
 * HTTPS call in AWS.
 */
final class PartitionablePrimaryApi implements PrimaryApi {

    private final PrimaryApi http;
    private final EmbeddedFederation federation;
    private final String localDc;
    private final String primaryDc;

    PartitionablePrimaryApi(PrimaryApi http, EmbeddedFederation federation, String localDc, String primaryDc) {
        this.http = Objects.requireNonNull(http, "http");
        this.federation = Objects.requireNonNull(federation, "federation");
        this.localDc = Objects.requireNonNull(localDc, "localDc");
        this.primaryDc = Objects.requireNonNull(primaryDc, "primaryDc");
    }

    @Override
    public HttpResponse forward(HttpRequest request, String idempotencyKey) {
        if (federation.isPartitioned(localDc) || federation.isPartitioned(primaryDc)) {
            throw new NotPrimary("the primary datacenter " + primaryDc + " is unreachable from " + localDc
                    + " (partitioned with /v1/dev/partition)");
        }
        return http.forward(request, idempotencyKey);
    }
}
