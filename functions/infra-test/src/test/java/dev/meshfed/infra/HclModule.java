package dev.meshfed.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One Terraform module (a directory's {@code *.tf} files, as Terraform itself reads them) parsed by
 * {@link Hcl2Json} and merged: variables, outputs, locals, resources, data sources, module calls
 * and provider configurations by name. A name declared twice, or a top-level block this reader does
 * not know, is an error.
 */
record HclModule(Path dir, Map<String, JsonNode> variables, Map<String, JsonNode> outputs, Map<String, JsonNode> locals,
                 Map<String, Map<String, JsonNode>> resources, Map<String, Map<String, JsonNode>> data,
                 Map<String, JsonNode> modules, Map<String, List<JsonNode>> providers, List<JsonNode> terraform) {

    private static final Set<String> TOP_LEVEL = Set.of("variable", "output", "locals", "resource", "data", "module",
            "provider", "terraform");

    /** The {@code *.tf} files of {@code dir} (not its subdirectories). */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".tf")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no .tf files in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    static HclModule load(Path dir) {
        HclModule m = new HclModule(dir, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new ArrayList<>());
        Hcl2Json.parse(files(dir)).forEach((file, json) -> m.add(file, json));
        return m;
    }

    private void add(Path file, JsonNode json) {
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String kind = e.getKey();
            if (!TOP_LEVEL.contains(kind)) {
                throw new IllegalStateException(file + ": unexpected top-level block or attribute '" + kind + "'");
            }
            JsonNode v = e.getValue();
            switch (kind) {
                case "variable" -> named(file, "variable", v, variables);
                case "output" -> named(file, "output", v, outputs);
                case "module" -> named(file, "module", v, modules);
                case "locals" -> v.forEach(block -> block.fields().forEachRemaining(l -> put(file, "local", locals, l.getKey(), l.getValue())));
                case "resource" -> typed(file, "resource", v, resources);
                case "data" -> typed(file, "data", v, data);
                case "provider" -> v.fields().forEachRemaining(p -> p.getValue().forEach(b ->
                        providers.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(b)));
                case "terraform" -> v.forEach(terraform::add);
                default -> throw new AssertionError(kind);
            }
        }
    }

    private static void named(Path file, String kind, JsonNode blocks, Map<String, JsonNode> into) {
        blocks.fields().forEachRemaining(e -> put(file, kind, into, e.getKey(), single(file, kind + " " + e.getKey(), e.getValue())));
    }

    private static void typed(Path file, String kind, JsonNode types, Map<String, Map<String, JsonNode>> into) {
        types.fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(n -> put(file, kind + " " + t.getKey(),
                into.computeIfAbsent(t.getKey(), k -> new TreeMap<>()), n.getKey(),
                single(file, kind + " " + t.getKey() + "." + n.getKey(), n.getValue()))));
    }

    private static JsonNode single(Path file, String what, JsonNode blocks) {
        if (!blocks.isArray() || blocks.size() != 1) {
            throw new IllegalStateException(file + ": " + what + " is declared more than once");
        }
        return blocks.get(0);
    }

    private static void put(Path file, String kind, Map<String, JsonNode> into, String name, JsonNode value) {
        if (into.putIfAbsent(name, value) != null) {
            throw new IllegalStateException(file + ": " + kind + " " + name + " is declared twice in the module");
        }
    }

    /** The resources of {@code type} by name (empty when none). */
    Map<String, JsonNode> resources(String type) {
        return resources.getOrDefault(type, Map.of());
    }

    /** The one resource {@code type.name}. */
    JsonNode resource(String type, String name) {
        JsonNode r = resources(type).get(name);
        if (r == null) {
            throw new IllegalStateException(dir + ": no resource " + type + "." + name);
        }
        return r;
    }

    /** The one data source {@code type.name}. */
    JsonNode data(String type, String name) {
        JsonNode d = data.getOrDefault(type, Map.of()).get(name);
        if (d == null) {
            throw new IllegalStateException(dir + ": no data source " + type + "." + name);
        }
        return d;
    }

    /** Every variable's declared default (absent for a required one). */
    Map<String, JsonNode> defaults() {
        Map<String, JsonNode> d = new LinkedHashMap<>();
        variables.forEach((n, v) -> {
            if (v.has("default")) {
                d.put(n, v.get("default"));
            }
        });
        return d;
    }
}
