/**
 * The ACL system's HTTP-facing parts: decoding what callers send to the {@code /v1/acl/...} routes,
 * such as a policy's {@code Rules} in Consul's JSON rule form ({@link dev.meshfed.app.acl.PolicyRulesJson}).
 * The rule model and its resolution into permissions are pure and live in
 * {@code dev.meshfed.core.acl}.
 */
package dev.meshfed.app.acl;
