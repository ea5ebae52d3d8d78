/**
 * The HTTP plumbing every meshfed function uses, free of Quarkus and Lambda types: the request and
 * response model ({@link dev.meshfed.app.http.HttpRequest}, {@link dev.meshfed.app.http.HttpResponse}),
 * the one route table ({@link dev.meshfed.app.http.MeshfedRoutes}, matched by
 * {@link dev.meshfed.app.http.RouteTable}), query strings, the error mapper, token extraction, Consul's
 * response headers, blocking-query parameters, body limits and JSON.
 *
 * <p>The Lambda shim converts an API Gateway HTTP API 2.0 event into an {@code HttpRequest} (it
 * decodes a base64 body itself, with {@link dev.meshfed.app.http.BodyLimits#decodeBase64}); so does
 * the local gateway of {@code meshfed dev}. Everything here is pure: no I/O, no clock, no global
 * state.
 *
 * <p>Errors: handlers throw the core's vocabulary ({@code dev.meshfed.core.error}); the only error
 * defined here is {@link dev.meshfed.app.http.HttpRefusal}, for refusals that exist only at the HTTP
 * layer (unknown path, wrong method, body too large). {@link dev.meshfed.app.http.ErrorMapper} turns
 * both into responses.
 */
package dev.meshfed.app.http;
