package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The federation-wide TTL rule (meshfed). Every intermediate, in every datacenter, is signed by the
 * primary for the primary's {@code IntermediateCertTTL}, so that TTL must cover three leaf
 * lifetimes of whichever datacenter issues the longest-lived leaves, not only the primary's own.
 * Consul checks only a datacenter against itself.
 *
 * <p>Two pure checks keep the rule from either side: a change in the primary may not shrink
 * {@code IntermediateCertTTL} below three times any member's {@code LeafCertTTL}; a change in a
 * secondary may not raise its {@code LeafCertTTL} past a third of the primary's
 * {@code IntermediateCertTTL}.
 */
public final class CrossDcTtlRule {

    private CrossDcTtlRule() {
    }

    /**
     * Checks a primary configuration against the members' leaf TTLs: its
     * {@code IntermediateCertTTL} must be at least 3 × the largest {@code LeafCertTTL} of any member,
     * the primary itself included (its value is taken from {@code primaryConfig}, whatever the map
     * says for it).
     *
     * @param primaryDc the primary's name
     * @param primaryConfig the primary's configuration, as it would be after the change
     * @param memberLeafCertTtls each member datacenter's current {@code LeafCertTTL}, by name
     * @throws InvalidInput {@code invalid IntermediateCertTTL I for primary P: must be at least 3 * the
     *     largest LeafCertTTL of any member datacenter, and D has LeafCertTTL L, so at least 3L}; the
     *     member named is the one with the largest leaf TTL (the first by name on a tie)
     */
    public static void checkPrimary(String primaryDc, CaConfig primaryConfig, Map<String, Duration> memberLeafCertTtls) {
        Objects.requireNonNull(primaryDc, "primaryDc");
        Objects.requireNonNull(primaryConfig, "primaryConfig");
        Map<String, Duration> leaves = new TreeMap<>(memberLeafCertTtls);
        leaves.put(primaryDc, primaryConfig.leafCertTtl());

        String longestDc = null;
        Duration longest = null;
        for (Map.Entry<String, Duration> e : leaves.entrySet()) {
            Duration leaf = Objects.requireNonNull(e.getValue(), "LeafCertTTL of " + e.getKey());
            if (longest == null || leaf.compareTo(longest) > 0) {
                longestDc = e.getKey();
                longest = leaf;
            }
        }
        Duration needed = longest.multipliedBy(CaConfigValidator.INTERMEDIATE_TO_LEAF_TTL_FACTOR);
        Duration intermediate = primaryConfig.intermediateCertTtl();
        if (intermediate.compareTo(needed) < 0) {
            throw new InvalidInput("invalid IntermediateCertTTL " + GoDuration.format(intermediate) + " for primary "
                    + primaryDc + ": must be at least 3 * the largest LeafCertTTL of any member datacenter, and "
                    + longestDc + " has LeafCertTTL " + GoDuration.format(longest) + ", so at least "
                    + GoDuration.format(needed));
        }
    }

    /**
     * Checks a secondary's new {@code LeafCertTTL} against the primary's {@code IntermediateCertTTL}:
     * three of its leaf lifetimes must fit in one intermediate lifetime. A value that does not grow
     * ({@code proposed ≤ current}) always passes, so a datacenter already past the bound can come
     * back under it step by step.
     *
     * @param secondaryDc the secondary's name
     * @param currentLeafCertTtl the secondary's {@code LeafCertTTL} now
     * @param proposedLeafCertTtl the {@code LeafCertTTL} it asks for
     * @param primaryDc the primary's name
     * @param primaryIntermediateCertTtl the primary's {@code IntermediateCertTTL}
     * @throws InvalidInput {@code invalid LeafCertTTL L for S: a secondary may not raise its LeafCertTTL past
     *     a third of primary P's IntermediateCertTTL I, which is I/3}
     */
    public static void checkSecondary(String secondaryDc, Duration currentLeafCertTtl, Duration proposedLeafCertTtl,
                                      String primaryDc, Duration primaryIntermediateCertTtl) {
        Objects.requireNonNull(secondaryDc, "secondaryDc");
        Objects.requireNonNull(currentLeafCertTtl, "currentLeafCertTtl");
        Objects.requireNonNull(proposedLeafCertTtl, "proposedLeafCertTtl");
        Objects.requireNonNull(primaryDc, "primaryDc");
        Objects.requireNonNull(primaryIntermediateCertTtl, "primaryIntermediateCertTtl");
        if (proposedLeafCertTtl.compareTo(currentLeafCertTtl) <= 0) {
            return;
        }
        Duration needed = proposedLeafCertTtl.multipliedBy(CaConfigValidator.INTERMEDIATE_TO_LEAF_TTL_FACTOR);
        if (primaryIntermediateCertTtl.compareTo(needed) < 0) {
            throw new InvalidInput("invalid LeafCertTTL " + GoDuration.format(proposedLeafCertTtl) + " for "
                    + secondaryDc + ": a secondary may not raise its LeafCertTTL past a third of primary " + primaryDc
                    + "'s IntermediateCertTTL " + GoDuration.format(primaryIntermediateCertTtl) + ", which is "
                    + GoDuration.format(primaryIntermediateCertTtl.dividedBy(CaConfigValidator.INTERMEDIATE_TO_LEAF_TTL_FACTOR)));
        }
    }
}
