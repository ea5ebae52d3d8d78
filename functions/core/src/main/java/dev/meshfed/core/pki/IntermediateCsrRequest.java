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
 * @param enrolmentSignature signature over {@link #signedPayload()} by the DC's enrolment key
 */
public record IntermediateCsrRequest(Datacenter datacenter, String csrPem, Reason reason, String expectedRootId,
        Instant requestedAt, byte[] enrolmentSignature) {

    public enum Reason { JOIN, RENEWAL, ROOT_CHANGE, KEY_CHANGE }

    /** Domain separation: a signature made for anything else can never pass as a CSR request. */
    private static final String CONTEXT = "meshfed intermediate CSR request v1";

    /**
     * The exact bytes the enrolment key signs: a context string and every field, each
     * length-prefixed so that no two different requests share a payload.
     */
    public byte[] signedPayload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(csrPem.length() + 256);
        for (String field : new String[] {CONTEXT, datacenter.name(), reason.name(), expectedRootId,
                requestedAt.toString(), csrPem}) {
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
