/**
 * The Funqy shims: one thin bean per (function, trigger kind), each exported alone as its own
 * Lambda deployable ({@code QUARKUS_FUNQY_EXPORT}): {@code fetch-roots-http}, {@code sign-csr-http},
 * {@code ca-admin-http},
 * {@code rotate-leaves-stream}, {@code rotate-leaves-tick}, {@code replicate-intentions-stream},
 * {@code replicate-intentions-tick}, and the {@code health-http} smoke
 * deployable. {@link dev.meshfed.lambda.ApiGatewayAdapter} converts API Gateway payload 2.0;
 * {@link dev.meshfed.lambda.Wiring} hands out the DC's functions, built lazily from the
 * environment by {@link dev.meshfed.lambda.LambdaWiring}.
 */
package dev.meshfed.lambda;
