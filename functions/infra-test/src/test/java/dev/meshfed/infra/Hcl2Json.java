package dev.meshfed.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Terraform files as JSON, parsed by HashiCorp's own HCL parser: {@code @cdktf/hcl2json}
 * (hcl2json compiled to WebAssembly) run by {@code node} from {@code <repo>/.tools/node_modules},
 * where {@code ./meshfed test} installs it. Missing node or package is an error, never a skip: a
 * Terraform check that silently does not run is worse than none.
 *
 * <p>The JSON is hcl2json's: blocks are arrays of objects, literal values are JSON values, and every
 * expression that is not a literal is the string {@code "${<expression source>}"} (templates keep
 * their text around it), which {@link TerraformFacts} interprets.
 */
final class Hcl2Json {

    static final String PACKAGE = ".tools/node_modules/@cdktf/hcl2json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Hcl2Json() {
    }

    /** Every file parsed, in order; a syntax error in any of them fails with the parser's message. */
    static Map<Path, JsonNode> parse(List<Path> files) {
        Path pkg = RepoFiles.resolve(PACKAGE);
        if (!Files.isRegularFile(pkg.resolve("package.json"))) {
            throw new IllegalStateException("@cdktf/hcl2json is not installed at " + pkg
                    + ": run ./meshfed test (it installs the test tools into .tools/) or"
                    + " npm install --prefix .tools @cdktf/hcl2json@0.21.0");
        }
        Path script;
        try {
            script = Files.createTempFile("hcl2json", ".js");
            try (InputStream in = Hcl2Json.class.getResourceAsStream("/terraform/hcl2json.js")) {
                if (in == null) {
                    throw new IllegalStateException("test resource terraform/hcl2json.js is missing");
                }
                Files.write(script, in.readAllBytes());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the hcl2json script", e);
        }
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), pkg.toString()));
        files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).start();
            } catch (IOException e) {
                throw new IllegalStateException("node is not installed or not on the PATH (" + e.getMessage()
                        + "): the Terraform checks need node 20+; run ./meshfed test, which checks for it", e);
            }
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("hcl2json did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("hcl2json failed (exit " + p.exitValue() + "): " + err.join().strip());
            }
            JsonNode all = JSON.readTree(out);
            Map<Path, JsonNode> parsed = new LinkedHashMap<>();
            for (Path f : files) {
                JsonNode n = all.get(f.toAbsolutePath().toString());
                if (n == null) {
                    throw new IllegalStateException("hcl2json returned nothing for " + f);
                }
                parsed.put(f, n);
            }
            return parsed;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run hcl2json", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running hcl2json", e);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // a temporary file; nothing depends on it
            }
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read hcl2json's output", e);
        }
    }
}
