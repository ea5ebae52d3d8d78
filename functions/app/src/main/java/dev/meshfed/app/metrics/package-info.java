/**
 * Implementations of the metrics port ({@link dev.meshfed.core.metrics.Metrics}) for the
 * deployables: {@link dev.meshfed.app.metrics.EmfMetrics}, CloudWatch embedded metric format lines
 * (no SDK call, no extra permission: the Lambda log stream carries them).
 */
package dev.meshfed.app.metrics;
