/**
 * The metrics port ({@link dev.meshfed.core.metrics.Metrics}): the names, units and dimensions
 * meshfed's functions report (docs/streams.md "Metrics"), with no opinion on where they go. The
 * Lambda deployables write CloudWatch embedded metric format lines to stdout; {@code meshfed dev}
 * writes the same lines to its log file; tests record them in memory.
 */
package dev.meshfed.core.metrics;
