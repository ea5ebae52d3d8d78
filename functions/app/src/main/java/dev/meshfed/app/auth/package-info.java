/**
 * Who a request is and what it may do: the caller's {@link dev.meshfed.app.auth.Token}, the
 * {@link dev.meshfed.app.auth.Authorizer} port every endpoint asks before acting, the
 * {@link dev.meshfed.app.auth.AclsOff} implementation used while ACLs are off, and Consul's
 * permission-denied texts ({@link dev.meshfed.app.auth.PermissionDenied}).
 */
package dev.meshfed.app.auth;
