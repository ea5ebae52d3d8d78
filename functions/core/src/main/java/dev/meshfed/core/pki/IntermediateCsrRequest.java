package dev.meshfed.core.pki;

import dev.meshfed.core.identity.Datacenter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A secondary's request for an intermediate: written by the secondary into the CA table, checked
 * and answered by the primary. The enrolment signature covers {@link #signedPayload()}.
 *
 * @param reason why the secondary asks (join, renewal at half-life, root change, a new CA key type)
 * @param expectedRootId the root the secondary expects to be signed under (colon-hex SHA-1)
 * @param requestedAt when the request was (re-)written; informational, two writes may share it
 * @param enrolmentSignature signature over {@link #signedPayload()} by the DC's enrolment key
 * @param requestId the request's identity, random and new on every (re-)write, echoed by the
 *     answer ({@code CsrResult.answersRequestId}); null only in items written before it existed,
 *     which are then identified by {@code requestedAt} as before
 */
public record IntermediateCsrRequest(Datacenter datacenter, String csrPem, Reason reason, String expectedRootId,
        Instant requestedAt, byte[] enrolmentSignature, String requestId) {

    /** A request without an ID, as written before request IDs existed. */
    public IntermediateCsrRequest(Datacenter datacenter, String csrPem, Reason reason, String expectedRootId,
            Instant requestedAt, byte[] enrolmentSignature) {
        this(datacenter, csrPem, reason, expectedRootId, requestedAt, enrolmentSignature, null);
    }

    public enum Reason { JOIN, RENEWAL, ROOT_CHANGE, KEY_CHANGE }

    /** Domain separation: a signature made for anything else can never pass as a CSR request. */
    private static final String CONTEXT = "meshfed intermediate CSR request v1";
    /** The context of a request with an ID: the ID is signed too, so it cannot be swapped. */
    private static final String CONTEXT_V2 = "meshfed intermediate CSR request v2";

    /**
     * The exact bytes the enrolment key signs: a context string and every field, each
     * length-prefixed so that no two different requests share a payload. A request without an ID
     * (an old item) keeps the v1 payload, so its signature still verifies.
     */
    public byte[] signedPayload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(csrPem.length() + 256);
        String[] fields = requestId == null
                ? new String[] {CONTEXT, datacenter.name(), reason.name(), expectedRootId, requestedAt.toString(), csrPem}
                : new String[] {CONTEXT_V2, datacenter.name(), reason.name(), expectedRootId, requestedAt.toString(),
                        requestId, csrPem};
        for (String field : fields) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 24);
            out.write(b.length >>> 16);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
