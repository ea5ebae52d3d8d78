/**
 * The per-datacenter limit on leaf signing (certificates.md, CA configuration {@code CSRMaxPerSecond}
 * and {@code CSRMaxConcurrent}; leaf CSR check 8): {@link dev.meshfed.core.ratelimit.TokenBucketMath}
 * is the pure bucket arithmetic, {@link dev.meshfed.core.ratelimit.CsrRateLimiter} applies it, or the
 * concurrency limit, over items of the private table with conditional writes, and hands out
 * {@link dev.meshfed.core.ratelimit.CsrPermit}s. {@link dev.meshfed.core.ratelimit.TokenBucket} and
 * {@link dev.meshfed.core.ratelimit.CsrLease} are the stored states. docs/rate-limiting.md explains
 * the design and its trade-offs.
 */
package dev.meshfed.core.ratelimit;
