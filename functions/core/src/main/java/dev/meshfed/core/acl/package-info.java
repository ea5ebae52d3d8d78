/**
 * The ACL model: tokens ({@link dev.meshfed.core.acl.AclToken}) and policies
 * ({@link dev.meshfed.core.acl.AclPolicy}) as stored, the decoded rules of a policy
 * ({@link dev.meshfed.core.acl.PolicyRules}, {@link dev.meshfed.core.acl.ServiceRule},
 * {@link dev.meshfed.core.acl.Access}), and the pure resolution of a token's policies and service
 * identities into what it may do ({@link dev.meshfed.core.acl.Grants}), following Consul's
 * {@code acl/policy_merger.go} and {@code acl/policy_authorizer.go}. Decoding rule text lives in the
 * app module, which has a JSON parser.
 */
package dev.meshfed.core.acl;
