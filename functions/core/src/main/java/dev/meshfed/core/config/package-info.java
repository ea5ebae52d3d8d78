/**
 * A datacenter's CA configuration: the {@code Config} of Consul's
 * {@code /v1/connect/ca/configuration}, as pure JDK code with no I/O.
 *
 * <p>A {@code PUT} flows through it in this order:
 * <ol>
 *   <li>{@link dev.meshfed.core.config.CaConfigDecoder#decodeRequest} decodes the body as Consul does
 *       (weak typing, Go durations, snake_case aliases, case-insensitive keys) into a
 *       {@link dev.meshfed.core.config.CaConfigRequest}: a {@link dev.meshfed.core.config.CaConfig}
 *       with defaults applied, and a supplied private key kept apart from it;</li>
 *   <li>{@link dev.meshfed.core.config.CaConfigValidator#validate} applies one datacenter's rules,
 *       with Consul's error texts;</li>
 *   <li>{@link dev.meshfed.core.config.CrossDcTtlRule} applies the rule that spans datacenters;</li>
 *   <li>{@link dev.meshfed.core.config.ConfigChange#classify} decides between no-op, configuration
 *       only, new root (primary) and new intermediate (secondary).</li>
 * </ol>
 * A {@code GET} is {@link dev.meshfed.core.config.CaConfigEncoder#encodeResponse}.
 * {@link dev.meshfed.core.config.GoDuration} reads and writes Go's duration text exactly.
 *
 * <p>Every invalid input is a {@link dev.meshfed.core.error.InvalidInput} (400). No type here holds
 * a private key except {@link dev.meshfed.core.config.SuppliedPrivateKey}, whose {@code toString}
 * is redacted; the meaning of every key and rule is written up in {@code docs/ca-configuration.md}.
 */
package dev.meshfed.core.config;
