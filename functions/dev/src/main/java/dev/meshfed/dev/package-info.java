/**
 * {@code meshfed dev} (local.md): the whole federation in one process. Every datacenter gets its own
 * instance of each function's plain class, wired to that DC's embedded stores, key custody and clock,
 * behind its own {@link dev.meshfed.dev.LocalGateway}: an HTTP server on {@code 127.0.0.1} that does
 * what API Gateway's HTTP API does in AWS, turning each request into a payload 2.0 event for the same
 * {@code ApiGatewayAdapter} and function code the Lambda shims run, with the route keys derived from
 * the one route table.
 *
 * <p>Besides the gateways, the package holds the embedded substrate's drivers (global-table
 * replication, stream feeds, periodic ticks), the development-only controls under {@code /v1/dev/}
 * (partition, heal, clock), the startup an operator would do in AWS (bootstrap, enrolment, waiting for
 * every secondary to join), and the {@code --demo} walk-through. Nothing here is deployed.
 */
package dev.meshfed.dev;
