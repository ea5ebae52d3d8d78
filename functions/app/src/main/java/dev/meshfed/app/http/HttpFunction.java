package dev.meshfed.app.http;

/**
 * One HTTP function as a plain class: given a request the route table matched to it, the
 * response. It may throw any core error; the dispatcher around it maps every exception through
 * {@link ErrorMapper}, so a function never builds error responses itself.
 */
@FunctionalInterface
public interface HttpFunction {

    /** Answers {@code request}, which {@code match} routed to this function. */
    HttpResponse handle(HttpRequest request, RouteMatch.Found match);
}
