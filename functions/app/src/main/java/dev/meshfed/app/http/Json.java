package dev.meshfed.app.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.MeshfedException;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * meshfed's one JSON configuration, for request and response bodies.
 *
 * <p>Reading ({@link #read}), strict where Go's {@code encoding/json} (which Consul uses) is strict
 * and stricter where meshfed must be:
 * <ul>
 *   <li>unknown fields are ignored, and field names match case-insensitively, as in Go;</li>
 *   <li>a value of the wrong JSON type is refused, naming the field: no string for a number, no
 *       number for a string or a boolean, no fraction for an integer (as in Go);</li>
 *   <li>the body must be one JSON value: data after it is refused (Go's decoder would ignore
 *       it);</li>
 *   <li>a key twice in one object is refused (Go keeps the last);</li>
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels is refused;</li>
 *   <li>the body must be valid UTF-8 and at most 64 KiB ({@link BodyLimits}).</li>
 * </ul>
 * Every refusal is an {@link InvalidInput} (400) with a text of its own, such as
 * {@code invalid JSON body: field "Config.LeafCertTTL": expected a string}; Jackson's own messages,
 * which name Java classes, never reach a client. An {@link MeshfedException} thrown by a target
 * type's constructor (a record validating itself) comes through unchanged.
 *
 * <p>Writing ({@link #write}) uses the field names the types declare; a failure there is a bug,
 * not bad input, and surfaces as an {@link IllegalStateException} (a 500).
 */
public final class Json {

    /** The deepest nesting of objects and arrays accepted in a request body. */
    public static final int MAX_DEPTH = 32;

    private static final String PREFIX = "invalid JSON body: ";

    private static final ObjectMapper MAPPER = buildMapper();

    private Json() {
    }

    private static ObjectMapper buildMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(BodyLimits.MAX_REQUEST_BODY_BYTES)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        JsonMapper mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .build();
        // No scalar of one JSON type stands in for another: Go refuses them all.
        for (LogicalType textual : List.of(LogicalType.Textual)) {
            mapper.coercionConfigFor(textual)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        for (LogicalType numeric : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(numeric)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Reads {@code request}'s body as a {@code type}.
     *
     * @throws HttpRefusal 413 when the body is over 64 KiB
     * @throws InvalidInput when the body is empty, not UTF-8, not JSON or not of the expected shape
     */
    public static <T> T read(HttpRequest request, Class<T> type) {
        BodyLimits.check(request);
        return read(request.body(), type);
    }

    /**
     * Reads {@code body} as a {@code type}.
     *
     * @throws HttpRefusal 413 when the body is over 64 KiB
     * @throws InvalidInput when the body is empty, not UTF-8, not JSON or not of the expected shape
     */
    public static <T> T read(byte[] body, Class<T> type) {
        Objects.requireNonNull(type, "type");
        BodyLimits.check(body.length);
        String text = utf8(body);
        if (text.isBlank()) {
            throw new InvalidInput(PREFIX + "empty");
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            T value = MAPPER.readValue(parser, type);
            if (value == null) {
                throw new InvalidInput(PREFIX + "expected " + jsonType(type) + ", not null");
            }
            trailing(parser);
            return value;
        } catch (JsonProcessingException e) {
            throw translate(e, type);
        } catch (IOException e) {
            throw new InvalidInput(PREFIX + "unreadable");
        }
    }

    /**
     * Writes {@code value} as JSON.
     *
     * @throws IllegalStateException if {@code value} cannot be written (a bug in its type)
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + (value == null ? "null" : value.getClass().getName()) + " as JSON", e);
        }
    }

    private static void trailing(JsonParser parser) {
        JsonLocation after = parser.currentLocation();
        try {
            if (parser.nextToken() == null) {
                return;
            }
        } catch (IOException e) {
            // garbage that is not even a token: still data after the value
        }
        throw new InvalidInput(PREFIX + "unexpected data after the JSON value at " + where(after));
    }

    private static String utf8(byte[] body) {
        return Utf8.decode(body).orElseThrow(() -> new InvalidInput(PREFIX + "not valid UTF-8"));
    }

    private static RuntimeException translate(JsonProcessingException e, Class<?> root) {
        MeshfedException domain = domainCause(e);
        if (domain != null) {
            return domain;
        }
        if (e instanceof StreamConstraintsException) {
            return new InvalidInput(PREFIX + "nested deeper than " + MAX_DEPTH + " levels");
        }
        if (e instanceof InputCoercionException) {
            String field = currentField(((InputCoercionException) e).getProcessor());
            return new InvalidInput(PREFIX + (field.isEmpty() ? "" : "field " + Texts.quote(field) + ": ")
                    + "number out of range");
        }
        if (e instanceof StreamReadException read) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.startsWith("Duplicate field '")) {
                int end = message.indexOf('\'', "Duplicate field '".length());
                String name = end < 0 ? "" : message.substring("Duplicate field '".length(), end);
                return new InvalidInput(PREFIX + "duplicate field " + Texts.quote(name));
            }
            return new InvalidInput(PREFIX + "syntax error at " + where(read.getLocation()));
        }
        if (e instanceof MismatchedInputException mismatch) {
            String path = path(mismatch);
            Class<?> target = mismatch.getTargetType();
            String expected = target == null ? "a different type" : jsonType(target);
            return new InvalidInput(PREFIX + (path.isEmpty() ? "" : "field " + Texts.quote(path) + ": ") + "expected " + expected);
        }
        if (e instanceof JsonMappingException mapping && mapping.getCause() instanceof InputCoercionException) {
            String path = path(mapping);
            return new InvalidInput(PREFIX + (path.isEmpty() ? "" : "field " + Texts.quote(path) + ": ") + "number out of range");
        }
        if (e instanceof JsonMappingException mapping) {
            String path = path(mapping);
            return new InvalidInput(PREFIX + (path.isEmpty() ? "" : "field " + Texts.quote(path) + ": ") + "invalid value");
        }
        return new InvalidInput(PREFIX + "unreadable");
    }

    /** A core error thrown by a target type's constructor, which Jackson wraps. */
    private static MeshfedException domainCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MeshfedException m) {
                return m;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String currentField(Object processor) {
        if (processor instanceof JsonParser p) {
            try {
                String name = p.currentName();
                return name == null ? "" : name;
            } catch (IOException | RuntimeException ignored) {
                return "";
            }
        }
        return "";
    }

    /** The path of JSON field names and array indexes to the failing value: {@code Config.Roots[2].ID}. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String where(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The JSON type a Java target expects, in words. */
    static String jsonType(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class || CharSequence.class.isAssignableFrom(type)
                || type.isEnum()) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "a boolean";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == BigDecimal.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object";
    }
}
