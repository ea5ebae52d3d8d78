package dev.meshfed.app.wiring;

import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.store.embedded.EmbeddedFederation;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A secondary's real forwarding path with the faults a distributed test needs: while the secondary
 * or the primary is partitioned (the harness's partition, which also stops replication) nothing
 * reaches the primary; {@link #loseNextAnswers} lets requests reach the primary and be applied
 * there but loses the answers, as a timeout after the primary stored the change would.
 */
final class FaultyPrimaryApi implements PrimaryApi {

    private final PrimaryApi real;
    private final String localDc;
    private final String primaryDc;
    /** The substrate as it is now (a process restart replaces it). */
    private final java.util.function.Supplier<EmbeddedFederation> federation;
    private final AtomicInteger answersToLose = new AtomicInteger();
    final AtomicInteger reachedPrimary = new AtomicInteger();

    FaultyPrimaryApi(PrimaryApi real, String localDc, String primaryDc,
            java.util.function.Supplier<EmbeddedFederation> federation) {
        this.real = real;
        this.localDc = localDc;
        this.primaryDc = primaryDc;
        this.federation = federation;
    }

    void loseNextAnswers(int n) {
        answersToLose.set(n);
    }

    @Override
    public HttpResponse forward(HttpRequest request, String idempotencyKey) {
        if (federation.get().isPartitioned(localDc) || federation.get().isPartitioned(primaryDc)) {
            throw new NotPrimary("the primary datacenter " + primaryDc + " is unreachable (partitioned)");
        }
        HttpResponse answer = real.forward(request, idempotencyKey);
        reachedPrimary.incrementAndGet();
        if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new NotPrimary("no answer from the primary datacenter " + primaryDc + " within the timeout");
        }
        return answer;
    }
}
