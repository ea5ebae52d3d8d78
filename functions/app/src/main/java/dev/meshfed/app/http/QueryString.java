package dev.meshfed.app.http;

import dev.meshfed.core.error.InvalidInput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed query string: every parameter in the order it was sent, repeated names kept
 * ({@code name=a&name=b} gives {@code [a, b]}).
 *
 * <p>API Gateway's payload 2.0 joins repeated parameters with commas in
 * {@code queryStringParameters}, which loses the difference between {@code name=a,b} and
 * {@code name=a&name=b}; meshfed therefore always parses {@code rawQueryString}.
 *
 * <p>Parsing follows Go's {@code url.ParseQuery}, which Consul uses: parameters are separated by
 * {@code &}; a parameter without {@code =} has the empty value; empty segments ({@code a=1&&b=2})
 * are skipped; names and values are percent-decoded with {@code +} meaning a space. It is stricter
 * than Go where Go would hand a Consul handler garbage or fail with a 500: a malformed escape, a
 * semicolon, text that is not UTF-8 once decoded, or input over the limits below is a 400.
 */
public final class QueryString {

    /** The longest raw query string accepted, in characters (4 KiB). */
    public static final int MAX_LENGTH = 4 * 1024;
    /** The most parameters accepted in one query string. */
    public static final int MAX_PARAMETERS = 64;

    /** No parameters at all. */
    public static final QueryString EMPTY = new QueryString(List.of());

    /** One parameter as sent: decoded name and value ({@code ""} when it had no {@code =}). */
    public record Parameter(String name, String value) {
        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    private final List<Parameter> parameters;

    private QueryString(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /**
     * Parses a raw query string (without the leading {@code ?}); {@code null} and {@code ""} give
     * {@link #EMPTY}.
     *
     * @throws InvalidInput {@code query string too long: N characters, at most 4096},
     *     {@code too many query parameters: at most 64},
     *     {@code invalid query string: invalid semicolon separator in query},
     *     {@code invalid query string: invalid URL escape "%zz"} or
     *     {@code invalid query string: not valid UTF-8 once decoded}
     */
    public static QueryString parse(String rawQueryString) {
        if (rawQueryString == null || rawQueryString.isEmpty()) {
            return EMPTY;
        }
        if (rawQueryString.length() > MAX_LENGTH) {
            throw new InvalidInput("query string too long: " + rawQueryString.length()
                    + " characters, at most " + MAX_LENGTH);
        }
        List<Parameter> out = new ArrayList<>();
        int start = 0;
        while (start <= rawQueryString.length()) {
            int amp = rawQueryString.indexOf('&', start);
            int end = amp < 0 ? rawQueryString.length() : amp;
            String segment = rawQueryString.substring(start, end);
            start = end + 1;
            if (segment.indexOf(';') >= 0) {
                // Go 1.17+ refuses semicolons as separators; Consul's wrapper then answers 500.
                throw new InvalidInput("invalid query string: invalid semicolon separator in query");
            }
            if (segment.isEmpty()) {
                continue;
            }
            if (out.size() == MAX_PARAMETERS) {
                throw new InvalidInput("too many query parameters: at most " + MAX_PARAMETERS);
            }
            int eq = segment.indexOf('=');
            String rawName = eq < 0 ? segment : segment.substring(0, eq);
            String rawValue = eq < 0 ? "" : segment.substring(eq + 1);
            out.add(new Parameter(
                    PercentDecoding.decode(rawName, true, "query string"),
                    PercentDecoding.decode(rawValue, true, "query string")));
            if (amp < 0) {
                break;
            }
        }
        return out.isEmpty() ? EMPTY : new QueryString(Collections.unmodifiableList(out));
    }

    /** Every parameter in the order sent. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The values of {@code name} in the order sent; empty when absent. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                values.add(p.value());
            }
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * The first value of {@code name}, as Go's {@code Values.Get} returns it (and so as Consul reads
     * single-valued parameters); empty when absent. A present parameter with no value gives
     * {@code Optional.of("")}.
     */
    public Optional<String> first(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return Optional.of(p.value());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} was sent at all, with or without a value (Consul's {@code ?pem}, {@code ?stale}). */
    public boolean has(String name) {
        return first(name).isPresent();
    }

    /** The distinct names, in the order first sent. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Parameter p : parameters) {
            names.add(p.name());
        }
        return Collections.unmodifiableSet(names);
    }

    public boolean isEmpty() {
        return parameters.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryString other && other.parameters.equals(parameters);
    }

    @Override
    public int hashCode() {
        return parameters.hashCode();
    }

    @Override
    public String toString() {
        // Never print values: a ?token= would end up in a log line.
        return "QueryString" + names();
    }
}
