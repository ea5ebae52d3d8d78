package dev.meshfed.core.intentions;

import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.UntrustedText;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@code ?filter=} of {@code GET /v1/connect/intentions}: the subset of go-bexpr (Consul's
 * filter language) that api.md promises. Grammar:
 * <pre>
 * expression := and ( "or" and )*
 * and        := term ( "and" term )*
 * term       := "(" expression ")" | selector ( "==" | "!=" ) value
 * selector   := ID | Description | SourceNS | SourceName | DestinationNS | DestinationName
 *             | SourceType | Action | Precedence | SourceDatacenter | DestinationDatacenter
 *             | Meta.&lt;key&gt;
 * value      := "double-quoted" (\" and \\ escapes) | `backquoted` | bare word [A-Za-z0-9_.*\/:-]+
 * </pre>
 * {@code and} binds tighter than {@code or}, as in go-bexpr; keywords are case-insensitive.
 * Anything else (other operators such as {@code contains}, {@code in}, {@code matches}, {@code not},
 * unknown selectors, unbalanced parentheses) is refused with a 400 naming what was found.
 */
public final class IntentionFilter {

    /** The longest filter accepted. */
    public static final int MAX_LENGTH = 1024;
    /** The most comparisons in one filter. */
    public static final int MAX_TERMS = 32;

    private static final Map<String, Function<Intention, String>> SELECTORS = Map.ofEntries(
            Map.entry("ID", Intention::id),
            Map.entry("Description", Intention::description),
            Map.entry("SourceNS", Intention::sourceNs),
            Map.entry("SourceName", Intention::sourceName),
            Map.entry("DestinationNS", Intention::destinationNs),
            Map.entry("DestinationName", Intention::destinationName),
            Map.entry("SourceType", Intention::sourceType),
            Map.entry("Action", Intention::action),
            Map.entry("Precedence", i -> Integer.toString(i.precedence())),
            Map.entry("SourceDatacenter", Intention::sourceDatacenter),
            Map.entry("DestinationDatacenter", Intention::destinationDatacenter));

    private IntentionFilter() {
    }

    /**
     * The predicate {@code filter} describes; an empty or blank filter keeps everything.
     *
     * @throws InvalidInput {@code Failed to create boolean expression evaluator: ...} for anything
     *     outside the grammar (Consul's prefix for a bad filter)
     */
    public static Predicate<Intention> parse(String filter) {
        Objects.requireNonNull(filter, "filter");
        if (filter.isBlank()) {
            return i -> true;
        }
        if (filter.length() > MAX_LENGTH) {
            throw bad("filter longer than " + MAX_LENGTH + " characters");
        }
        Parser p = new Parser(tokens(filter));
        Predicate<Intention> result = p.expression();
        if (p.pos != p.tokens.size()) {
            throw bad("unexpected " + quoted(p.tokens.get(p.pos)));
        }
        return result;
    }

    private static InvalidInput bad(String what) {
        return new InvalidInput("Failed to create boolean expression evaluator: " + what);
    }

    private static String quoted(Token t) {
        return "\"" + UntrustedText.bounded(t.text()) + "\"";
    }

    private enum Kind { WORD, STRING, EQ, NE, LPAREN, RPAREN }

    private record Token(Kind kind, String text) {
    }

    private static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int k = 0;
        while (k < s.length()) {
            char c = s.charAt(k);
            if (Character.isWhitespace(c)) {
                k++;
            } else if (c == '(' || c == ')') {
                out.add(new Token(c == '(' ? Kind.LPAREN : Kind.RPAREN, String.valueOf(c)));
                k++;
            } else if (s.startsWith("==", k) || s.startsWith("!=", k)) {
                out.add(new Token(c == '=' ? Kind.EQ : Kind.NE, s.substring(k, k + 2)));
                k += 2;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                k++;
                while (true) {
                    if (k >= s.length()) {
                        throw bad("unterminated string");
                    }
                    char d = s.charAt(k++);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\') {
                        if (k >= s.length()) {
                            throw bad("unterminated string");
                        }
                        char e = s.charAt(k++);
                        if (e != '"' && e != '\\') {
                            throw bad("unsupported escape \\" + UntrustedText.bounded(String.valueOf(e)));
                        }
                        b.append(e);
                    } else {
                        b.append(d);
                    }
                }
                out.add(new Token(Kind.STRING, b.toString()));
            } else if (c == '`') {
                int end = s.indexOf('`', k + 1);
                if (end < 0) {
                    throw bad("unterminated string");
                }
                out.add(new Token(Kind.STRING, s.substring(k + 1, end)));
                k = end + 1;
            } else if (wordChar(c)) {
                int start = k;
                while (k < s.length() && wordChar(s.charAt(k))) {
                    k++;
                }
                out.add(new Token(Kind.WORD, s.substring(start, k)));
            } else {
                throw bad("unexpected character " + quoted(new Token(Kind.WORD, String.valueOf(c))));
            }
        }
        return out;
    }

    private static boolean wordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_.*/:-".indexOf(c) >= 0;
    }

    private static final class Parser {
        final List<Token> tokens;
        int pos;
        int terms;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        Predicate<Intention> expression() {
            Predicate<Intention> left = and();
            while (keyword("or")) {
                left = left.or(and());
            }
            return left;
        }

        Predicate<Intention> and() {
            Predicate<Intention> left = term();
            while (keyword("and")) {
                left = left.and(term());
            }
            return left;
        }

        Predicate<Intention> term() {
            Token t = next("a selector");
            if (t.kind() == Kind.LPAREN) {
                Predicate<Intention> inner = expression();
                Token close = next("\")\"");
                if (close.kind() != Kind.RPAREN) {
                    throw bad("expected \")\", found " + quoted(close));
                }
                return inner;
            }
            if (t.kind() != Kind.WORD) {
                throw bad("expected a selector, found " + quoted(t));
            }
            if (++terms > MAX_TERMS) {
                throw bad("more than " + MAX_TERMS + " comparisons");
            }
            Function<Intention, String> selector = selector(t.text());
            Token op = next("\"==\" or \"!=\"");
            if (op.kind() != Kind.EQ && op.kind() != Kind.NE) {
                throw bad("unsupported operator " + quoted(op) + ": only == and != are supported");
            }
            Token value = next("a value");
            if (value.kind() != Kind.STRING && value.kind() != Kind.WORD) {
                throw bad("expected a value, found " + quoted(value));
            }
            String expected = value.text();
            Predicate<Intention> eq = i -> expected.equals(nz(selector.apply(i)));
            return op.kind() == Kind.EQ ? eq : eq.negate();
        }

        private Function<Intention, String> selector(String name) {
            if (name.startsWith("Meta.") && name.length() > "Meta.".length()) {
                String key = name.substring("Meta.".length());
                return i -> i.meta().get(key);
            }
            Function<Intention, String> s = SELECTORS.get(name);
            if (s == null) {
                throw bad("unknown selector " + quoted(new Token(Kind.WORD, name)));
            }
            return s;
        }

        private boolean keyword(String word) {
            if (pos < tokens.size() && tokens.get(pos).kind() == Kind.WORD
                    && tokens.get(pos).text().toLowerCase(Locale.ROOT).equals(word)) {
                pos++;
                return true;
            }
            return false;
        }

        private Token next(String expected) {
            if (pos >= tokens.size()) {
                throw bad("unexpected end of filter, expected " + expected);
            }
            return tokens.get(pos++);
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }
}
