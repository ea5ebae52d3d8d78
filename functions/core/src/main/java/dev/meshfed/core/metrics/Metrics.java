package dev.meshfed.core.metrics;

import dev.meshfed.core.store.Table;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a function reports what it did, as numbers (intentions.md "Replication": status "exposed
 * ... as metrics"; architecture.md "Stream handling": poison records quarantined "with a metric").
 * Every metric meshfed emits is named here, with its unit and dimensions (docs/streams.md
 * "Metrics").
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li><b>Never fails the caller.</b> A metric that cannot be written is dropped (and logged by the
 *       implementation); the record, apply or reconcile that reported it goes on.</li>
 *   <li><b>At least once.</b> A call is one event; a stream record retried after a failure may be
 *       reported again, as CloudWatch may itself count an event twice.</li>
 *   <li><b>Bounded dimensions.</b> Dimension keys are {@link #DIMENSIONS} only: {@link #DC} a
 *       datacenter name, {@link #TABLE} a {@link Table} name. Never a key, token, secret, serial
 *       or anything taken from a request or an item: each distinct value is a new CloudWatch
 *       series, and a metric is no place for a secret. {@link #checkDimensions} enforces it; an
 *       implementation drops an event that fails it.</li>
 * </ul>
 */
public interface Metrics {

    // ---- names ----------------------------------------------------------------------------------

    /** Stream records quarantined as poison (count, dims dc, table): architecture.md "Stream handling". */
    String STREAM_QUARANTINED = "meshfed.stream.quarantined";
    /** Intention items a stream record applied to the DC's view (count, dims dc, table=INTENTIONS). */
    String INTENTIONS_APPLIED = "meshfed.intentions.applied";
    /** Intentions-table records whose key owner is not the primary (count, dims dc, table=INTENTIONS). */
    String INTENTIONS_AUTHORITY_VIOLATIONS = "meshfed.intentions.authority_violations";
    /** One apply's lag: apply time minus the item's {@code updatedAt} (milliseconds, dims dc, table=INTENTIONS). */
    String INTENTIONS_REPLICATION_LAG_MS = "meshfed.intentions.replication_lag_ms";
    /** View entries one reconcile run changed, zero included (count, dims dc, table=INTENTIONS). */
    String INTENTIONS_RECONCILE_REPAIRS = "meshfed.intentions.reconcile_repairs";
    /**
     * Whole seconds until the active root's NotAfter, negative once expired (seconds, dims dc,
     * table=CA): certificates.md "Expiry guards". Every DC reports its bundle copy's active root on
     * each {@code rotate-leaves} tick.
     */
    String ROOT_SECONDS_TO_EXPIRY = "meshfed.ca.root_seconds_to_expiry";
    /**
     * Whole seconds until the NotAfter of this DC's signer (its intermediate), negative once expired
     * (seconds, dims dc, table=CA), on each {@code rotate-leaves} tick while the DC holds one.
     */
    String SIGNER_SECONDS_TO_EXPIRY = "meshfed.ca.signer_seconds_to_expiry";

    // ---- units (CloudWatch's unit names) --------------------------------------------------------

    String COUNT = "Count";
    String MILLISECONDS = "Milliseconds";
    String SECONDS = "Seconds";

    // ---- dimensions -----------------------------------------------------------------------------

    /** The DC that reports: its configured name ({@link #DC_NAME}). */
    String DC = "dc";
    /** The table whose stream or items the metric is about: a {@link Table} name (CA, INTENTIONS, PRIVATE). */
    String TABLE = "table";
    /** The only dimension keys a metric may carry. */
    Set<String> DIMENSIONS = Set.of(DC, TABLE);
    /** A datacenter name, as {@code Datacenter} and {@code IntentionRules.DATACENTER} define it. */
    Pattern DC_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /**
     * Adds {@code n} to the counter {@code name} (unit {@link #COUNT}).
     *
     * @param dimensions as {@link #checkDimensions} accepts: {@link #dimensions(String, Table)}
     */
    void count(String name, long n, Map<String, String> dimensions);

    /**
     * Reports one observation {@code value} of {@code name} in {@code unit} (a CloudWatch unit name,
     * e.g. {@link #MILLISECONDS}).
     *
     * @param dimensions as {@link #checkDimensions} accepts: {@link #dimensions(String, Table)}
     */
    void gauge(String name, double value, String unit, Map<String, String> dimensions);

    /** Reports nothing: for callers and tests that do not look at metrics. */
    Metrics NONE = new Metrics() {
        @Override
        public void count(String name, long n, Map<String, String> dimensions) {
        }

        @Override
        public void gauge(String name, double value, String unit, Map<String, String> dimensions) {
        }

        @Override
        public String toString() {
            return "Metrics.NONE";
        }
    };

    /** The dimensions of a metric about {@code table} in {@code dc}. */
    static Map<String, String> dimensions(String dc, Table table) {
        return Map.of(DC, Objects.requireNonNull(dc, "dc"), TABLE, Objects.requireNonNull(table, "table").name());
    }

    /**
     * Checks {@code dimensions} against the bound above.
     *
     * @throws IllegalArgumentException naming the offending key (never the value: it may be what must not leak)
     */
    static void checkDimensions(Map<String, String> dimensions) {
        Objects.requireNonNull(dimensions, "dimensions");
        for (Map.Entry<String, String> d : dimensions.entrySet()) {
            if (!DIMENSIONS.contains(d.getKey())) {
                throw new IllegalArgumentException("metric dimension not allowed: " + d.getKey());
            }
            String v = d.getValue();
            boolean ok = v != null && (d.getKey().equals(DC) ? DC_NAME.matcher(v).matches()
                    : Arrays.stream(Table.values()).anyMatch(t -> t.name().equals(v)));
            if (!ok) {
                throw new IllegalArgumentException("metric dimension " + d.getKey() + " is not a "
                        + (d.getKey().equals(DC) ? "datacenter" : "table") + " name");
            }
        }
    }
}
