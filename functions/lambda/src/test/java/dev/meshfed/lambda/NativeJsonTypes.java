package dev.meshfed.lambda;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializerCache;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds, independently of {@link NativeReflection}, the meshfed types that cross a JSON boundary,
 * for {@code NativeReflectionTest}.
 *
 * <ul>
 *   <li><b>Static:</b> every class under {@code dev/meshfed/} in the given class-path roots that
 *       carries a Jackson annotation ({@code com.fasterxml.jackson.annotation.*} or
 *       {@code com.fasterxml.jackson.databind.annotation.*}) on itself, a field, a method, a
 *       constructor or method parameter, or a record component; then every meshfed type reachable
 *       from those through record components, fields and getters, generic arguments included.</li>
 *   <li><b>Dynamic:</b> a Jackson module installed on a live mapper that records every bean type
 *       for which Jackson builds a serialiser or a deserialiser.</li>
 * </ul>
 */
final class NativeJsonTypes {

    private static final String MESHFED = "dev.meshfed.";

    private static final java.util.concurrent.atomic.AtomicInteger INSTALLS = new java.util.concurrent.atomic.AtomicInteger();

    private NativeJsonTypes() {
    }

    // ---- the registration ----------------------------------------------------------------------

    /** The binary names {@link NativeReflection} registers: its targets and its class names. */
    static Set<String> registered() {
        RegisterForReflection r = NativeReflection.class.getAnnotation(RegisterForReflection.class);
        Set<String> out = new TreeSet<>();
        Arrays.stream(r.targets()).map(Class::getName).forEach(out::add);
        out.addAll(Arrays.asList(r.classNames()));
        return out;
    }

    /** Those of {@code found} that are not in {@code registered}, sorted. */
    static List<String> unregistered(Set<String> found, Set<String> registered) {
        List<String> out = new ArrayList<>();
        for (String name : new TreeSet<>(found)) {
            if (!registered.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    // ---- static discovery ----------------------------------------------------------------------

    /**
     * The main-code class-path roots holding meshfed classes (directories or jars), in class-path
     * order: every module the lambda ships, and nothing compiled from a test source tree. The
     * test-scoped modules' main code (store-embedded, testkit) is on this class path too and is
     * scanned as well: a Jackson type there would be reported although it is not shipped, which
     * errs on the safe side.
     */
    static List<Path> mainRoots() {
        List<Path> roots = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.equals("test-classes") || name.endsWith("-tests.jar")) {
                continue;
            }
            if (holdsMeshfedClasses(p)) {
                roots.add(p);
            }
        }
        return roots;
    }

    /** The class-path root {@code type} was loaded from. */
    static Path rootOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The meshfed types at a JSON boundary found in {@code roots}, by binary name. */
    static Set<String> discover(List<Path> roots) {
        Set<Class<?>> annotated = new java.util.LinkedHashSet<>();
        for (Path root : roots) {
            for (String className : classNames(root)) {
                Class<?> type = load(className);
                if (carriesJackson(type)) {
                    annotated.add(type);
                }
            }
        }
        Set<String> out = new TreeSet<>();
        Deque<Class<?>> work = new ArrayDeque<>(annotated);
        while (!work.isEmpty()) {
            Class<?> type = work.pop();
            if (!out.add(type.getName())) {
                continue;
            }
            for (Type property : propertyTypes(type)) {
                for (Class<?> reached : meshfedTypesIn(property)) {
                    if (!out.contains(reached.getName())) {
                        work.push(reached);
                    }
                }
            }
        }
        return out;
    }

    private static boolean holdsMeshfedClasses(Path root) {
        if (Files.isDirectory(root)) {
            return Files.isDirectory(root.resolve("dev/meshfed"));
        }
        if (Files.isRegularFile(root) && root.toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(root.toFile())) {
                return jar.stream().anyMatch(e -> e.getName().startsWith("dev/meshfed/") && e.getName().endsWith(".class"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    private static List<String> classNames(Path root) {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root.resolve("dev/meshfed"))) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .map(f -> root.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                        .forEach(n -> out.add(binaryName(n)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith("dev/meshfed/") && n.endsWith(".class"))
                        .forEach(n -> out.add(binaryName(n)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.removeIf(n -> n.endsWith("package-info") || n.endsWith("module-info"));
        Collections.sort(out);
        return out;
    }

    private static String binaryName(String classFile) {
        return classFile.substring(0, classFile.length() - ".class".length()).replace('/', '.');
    }

    /** Loads without initialising: no static initialiser of the scanned code runs. */
    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, NativeJsonTypes.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("cannot load " + name + " to look for Jackson annotations", e);
        }
    }

    private static boolean carriesJackson(Class<?> type) {
        if (jackson(type)) {
            return true;
        }
        for (Field f : type.getDeclaredFields()) {
            if (jackson(f)) {
                return true;
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (jackson(m) || Arrays.stream(m.getParameterAnnotations()).flatMap(Arrays::stream).anyMatch(NativeJsonTypes::jackson)) {
                return true;
            }
        }
        for (var c : type.getDeclaredConstructors()) {
            if (jackson(c) || Arrays.stream(c.getParameterAnnotations()).flatMap(Arrays::stream).anyMatch(NativeJsonTypes::jackson)) {
                return true;
            }
        }
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                if (jackson(rc)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean jackson(AnnotatedElement element) {
        return Arrays.stream(element.getDeclaredAnnotations()).anyMatch(NativeJsonTypes::jackson);
    }

    private static boolean jackson(Annotation a) {
        String name = a.annotationType().getName();
        return name.startsWith("com.fasterxml.jackson.annotation.")
                || name.startsWith("com.fasterxml.jackson.databind.annotation.");
    }

    /** The generic types of {@code type}'s JSON properties as Jackson sees a record or a bean. */
    private static List<Type> propertyTypes(Class<?> type) {
        List<Type> out = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                out.add(rc.getGenericType());
            }
            return out;
        }
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                out.add(f.getGenericType());
            }
        }
        for (Method m : type.getMethods()) {
            boolean getter = m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                    && (m.getName().startsWith("get") || m.getName().startsWith("is"))
                    && m.getDeclaringClass() != Object.class;
            if (getter) {
                out.add(m.getGenericReturnType());
            }
        }
        return out;
    }

    /** The meshfed classes named in {@code t}: the type itself, its array component, its generic arguments. */
    static Set<Class<?>> meshfedTypesIn(Type t) {
        Set<Class<?>> out = new java.util.LinkedHashSet<>();
        collect(t, out);
        return out;
    }

    private static void collect(Type t, Set<Class<?>> out) {
        if (t instanceof Class<?> c) {
            if (c.isArray()) {
                collect(c.getComponentType(), out);
            } else if (c.getName().startsWith(MESHFED)) {
                out.add(c);
            }
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out);
            for (Type arg : p.getActualTypeArguments()) {
                collect(arg, out);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), out);
        } else if (t instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                collect(bound, out);
            }
            for (Type bound : w.getLowerBounds()) {
                collect(bound, out);
            }
        }
        // type variables: their bounds name no concrete property type
    }

    // ---- dynamic recording ---------------------------------------------------------------------

    /** Every bean type Jackson introspected on a mapper since {@link #install}. */
    static final class Recorder {
        private final Set<Class<?>> seen = ConcurrentHashMap.newKeySet();

        Set<String> names() {
            Set<String> out = new TreeSet<>();
            seen.forEach(c -> out.add(c.getName()));
            return out;
        }

        void clear() {
            seen.clear();
        }
    }

    /**
     * Installs a recording module on {@code mapper} and empties its serialiser and deserialiser
     * caches, so that types introspected before (by earlier tests in this JVM) are introspected,
     * and recorded, again.
     */
    static Recorder install(ObjectMapper mapper) {
        Recorder recorder = new Recorder();
        // a name of its own: Jackson ignores a second registration of a module with the same name
        SimpleModule module = new SimpleModule("meshfed-native-recorder-" + INSTALLS.incrementAndGet());
        module.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean,
                    JsonSerializer<?> serializer) {
                if (serializer instanceof BeanSerializerBase) {
                    recorder.seen.add(bean.getBeanClass());
                }
                return serializer;
            }
        });
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                    JsonDeserializer<?> deserializer) {
                if (deserializer instanceof BeanDeserializerBase) {
                    recorder.seen.add(bean.getBeanClass());
                }
                return deserializer;
            }
        });
        mapper.registerModule(module);
        flushCaches(mapper);
        return recorder;
    }

    /** The app's one mapper ({@code dev.meshfed.app.http.Json.MAPPER}, private by design). */
    static ObjectMapper appMapper() {
        try {
            Field f = dev.meshfed.app.http.Json.class.getDeclaredField("MAPPER");
            f.setAccessible(true);
            return (ObjectMapper) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("dev.meshfed.app.http.Json no longer holds its mapper in MAPPER", e);
        }
    }

    private static void flushCaches(ObjectMapper mapper) {
        ((DefaultSerializerProvider) mapper.getSerializerProvider()).flushCachedSerializers();
        try {
            Field cache = DeserializationContext.class.getDeclaredField("_cache");
            cache.setAccessible(true);
            ((DeserializerCache) cache.get(mapper.getDeserializationContext())).flushCachedDeserializers();
            Field roots = ObjectMapper.class.getDeclaredField("_rootDeserializers");
            roots.setAccessible(true);
            ((Map<?, ?>) roots.get(mapper)).clear();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot empty the mapper's deserialiser caches", e);
        }
    }
}
