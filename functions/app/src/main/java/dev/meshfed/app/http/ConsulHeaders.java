package dev.meshfed.app.http;

import java.time.Duration;

/**
 * The response headers Consul sets on reads ({@code setMeta} in Consul's {@code agent/http.go}):
 * <ul>
 *   <li>{@code X-Consul-Index}: the DC's change index (architecture.md flow 9), an unsigned 64-bit
 *       number. 0 is sent as 1, as Consul does: a client that sent {@code ?index=0} would never
 *       block and would poll in a busy loop.</li>
 *   <li>{@code X-Consul-KnownLeader: true}: meshfed has no leader election, a DC always answers.</li>
 *   <li>{@code X-Consul-LastContact}: whole milliseconds, never negative. Consul sends the time since
 *       the server last heard from the leader; meshfed sends the DC's current replication lag
 *       (meshfed).</li>
 * </ul>
 */
public final class ConsulHeaders {

    public static final String INDEX = "X-Consul-Index";
    public static final String KNOWN_LEADER = "X-Consul-KnownLeader";
    public static final String LAST_CONTACT = "X-Consul-LastContact";
    public static final String CONTENT_TYPE = "Content-Type";

    private ConsulHeaders() {
    }

    /**
     * {@code response} with the three read headers.
     *
     * @param changeIndex the DC's change index, read as unsigned
     * @param lastContact the DC's replication lag; negative counts as zero
     */
    public static HttpResponse withQueryMeta(HttpResponse response, long changeIndex, Duration lastContact) {
        return response
                .withHeader(INDEX, index(changeIndex))
                .withHeader(KNOWN_LEADER, "true")
                .withHeader(LAST_CONTACT, lastContactMillis(lastContact));
    }

    /** A 200 JSON read ({@code Content-Type: application/json}) with the read headers. */
    public static HttpResponse jsonRead(String json, long changeIndex, Duration lastContact) {
        return withQueryMeta(HttpResponse.json(200, json), changeIndex, lastContact);
    }

    /** The {@code X-Consul-Index} value: unsigned decimal, 0 sent as 1. */
    public static String index(long changeIndex) {
        return changeIndex == 0 ? "1" : Long.toUnsignedString(changeIndex);
    }

    /** The {@code X-Consul-LastContact} value: whole milliseconds (rounded down), at least 0. */
    public static String lastContactMillis(Duration lastContact) {
        if (lastContact == null || lastContact.isNegative()) {
            return "0";
        }
        try {
            return Long.toString(lastContact.toMillis());
        } catch (ArithmeticException e) {
            return Long.toString(Long.MAX_VALUE);
        }
    }
}
