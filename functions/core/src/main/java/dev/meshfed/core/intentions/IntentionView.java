package dev.meshfed.core.intentions;

/**
 * The port every read and decision of a DC goes through: the DC's intention view as an
 * {@link IntentionIndex}, current as of the call. Implementations rebuild the index only when the
 * view changed ({@link CachedIntentionView}), so a request costs one change-index read, not a scan.
 */
@FunctionalInterface
public interface IntentionView {

    /** The index of the live intentions of this DC's view, at least as new as the change index read by this call. */
    IntentionIndex index();
}
