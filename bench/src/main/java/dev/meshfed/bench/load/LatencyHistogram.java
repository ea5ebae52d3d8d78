package dev.meshfed.bench.load;

/**
 * Latencies in microseconds in fixed log-linear buckets, in the manner of HdrHistogram with
 * about three significant digits: values below {@value #LINEAR} µs each have their own bucket
 * (exact); above, each power of two is cut into {@value #HALF} equal buckets, so a bucket is at
 * most 1/{@value #HALF} (0.2 %) of its values wide. Fixed size (about 130 KB), no allocation
 * per value. Not thread-safe: one per client thread, {@link #add} them at the end.
 *
 * <p>A percentile is reported as the highest value of the bucket that holds it (as
 * HdrHistogram's {@code getValueAtPercentile}), so it may overstate by at most 0.2 %; the
 * maximum is kept exactly.
 */
final class LatencyHistogram {

    /** Values below this (µs) have a bucket each. */
    static final int LINEAR = 1024;
    /** Buckets per power of two above {@link #LINEAR}. */
    static final int HALF = LINEAR / 2;
    /** Enough for any {@code long}. */
    private static final int BUCKETS = LINEAR + 64 * HALF;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;
    private long sum;

    /** Records one latency (µs, negative counts as 0). */
    void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    double mean() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /**
     * The value at {@code percentile} (0–100]: the highest value of the bucket holding the
     * ⌈p × n⌉-th smallest value, never above the exact maximum; 0 when empty.
     */
    long valueAt(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, highestIn(i));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - 9; // keep the top 10 bits: m in [512, 1023]
        long m = v >>> shift;
        return LINEAR + (shift - 1) * HALF + (int) (m - HALF);
    }

    static long highestIn(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / HALF + 1;
        long m = (index - LINEAR) % HALF + HALF;
        return ((m + 1) << shift) - 1;
    }
}
