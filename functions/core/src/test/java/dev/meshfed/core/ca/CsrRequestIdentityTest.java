package dev.meshfed.core.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.IntermediateCsrRequest.Reason;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.codec.CaTableCodecs;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A CSR request is named by its request ID; items written before IDs existed still decode and match by time. */
class CsrRequestIdentityTest {
    static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
    static final ItemKey REQUEST_KEY = new ItemKey("dc2", "csr-request", "current");
    static final ItemKey RESULT_KEY = new ItemKey("dc1", "csr-result", "dc2");

    @Test
    void twoRequestsAtTheSameInstantAreToldApartByTheirIds() {
        CsrResult first = new CsrResult("dc2", AT, null, null, "refused", 0, "id-1");
        assertThat(first.answers(AT, "id-1")).isTrue();
        assertThat(first.answers(AT, "id-2")).isFalse();
        assertThat(first.answers(AT, null)).as("an old request is not answered by a result for an ID").isFalse();
    }

    @Test
    void anOldRequestWithoutAnIdMatchesByTime() {
        CsrResult old = new CsrResult("dc2", AT, null, null, "refused");
        assertThat(old.answers(AT, null)).isTrue();
        assertThat(old.answers(AT.plusSeconds(1), null)).isFalse();
        assertThat(old.answers(AT, "id-1")).isFalse();
    }

    @Test
    void theIdIsStoredSignedAndOldItemsStillDecode() {
        IntermediateCsrRequest withId = new IntermediateCsrRequest(new Datacenter("dc2"), "csr", Reason.ROOT_CHANGE,
                "00:11", AT, new byte[] {1}, "id-1");
        IntermediateCsrRequest decoded = CaTableCodecs.CSR_REQUEST.decode(REQUEST_KEY,
                CaTableCodecs.CSR_REQUEST.encode(withId));
        assertThat(decoded.requestId()).isEqualTo("id-1");
        assertThat(decoded.signedPayload()).isEqualTo(withId.signedPayload());
        IntermediateCsrRequest sameButOtherId = new IntermediateCsrRequest(new Datacenter("dc2"), "csr",
                Reason.ROOT_CHANGE, "00:11", AT, new byte[] {1}, "id-2");
        assertThat(sameButOtherId.signedPayload()).isNotEqualTo(withId.signedPayload());

        Map<String, Attr> oldItem = new HashMap<>(CaTableCodecs.CSR_REQUEST.encode(withId));
        oldItem.remove("requestId");
        IntermediateCsrRequest old = CaTableCodecs.CSR_REQUEST.decode(REQUEST_KEY, oldItem);
        assertThat(old.requestId()).isNull();
        assertThat(old.signedPayload()).as("an old request keeps the payload its signature covers")
                .isEqualTo(new IntermediateCsrRequest(new Datacenter("dc2"), "csr", Reason.ROOT_CHANGE, "00:11", AT,
                        null).signedPayload());

        CsrResult result = new CsrResult("dc2", AT, null, null, "refused", 3, "id-1");
        assertThat(CaTableCodecs.CSR_RESULT.decode(RESULT_KEY, CaTableCodecs.CSR_RESULT.encode(result)))
                .isEqualTo(result);
        Map<String, Attr> oldResult = new HashMap<>(CaTableCodecs.CSR_RESULT.encode(result));
        oldResult.remove("answersRequestId");
        assertThat(CaTableCodecs.CSR_RESULT.decode(RESULT_KEY, oldResult).answersRequestId()).isNull();
    }
}
