package dev.meshfed.testkit;

import dev.meshfed.core.pki.Certificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code openssl} command-line tool as an independent verifier: meshfed did not write it, so a
 * certificate it accepts is not accepted merely because meshfed's own code agrees with itself.
 */
public final class OpenSsl {

    /** What {@code openssl verify} said. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0 && output.contains(": OK");
        }
    }

    private OpenSsl() {
    }

    /**
     * {@code openssl verify -x509_strict -purpose <purpose> -attime <t> -CAfile <trusted>
     * -untrusted <chain> <leaf>}: trusted are the only anchors; chain certificates are candidates.
     */
    public static Result verify(Collection<X509Certificate> trusted, List<X509Certificate> untrusted,
            X509Certificate target, String purpose, Instant at) {
        try {
            Path dir = Files.createTempDirectory("meshfed-openssl");
            try {
                Path ca = write(dir.resolve("trusted.pem"), trusted);
                Path leaf = write(dir.resolve("target.pem"), List.of(target));
                List<String> cmd = new ArrayList<>(List.of("openssl", "verify", "-x509_strict", "-purpose", purpose,
                        "-attime", Long.toString(at.getEpochSecond()), "-CAfile", ca.toString()));
                if (!untrusted.isEmpty()) {
                    cmd.add("-untrusted");
                    cmd.add(write(dir.resolve("untrusted.pem"), untrusted).toString());
                }
                cmd.add(leaf.toString());
                return run(cmd);
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code openssl x509 -noout -text} of a certificate, for assertions on how openssl reads it. */
    public static String text(X509Certificate cert) {
        try {
            Path f = Files.createTempFile("meshfed-cert", ".pem");
            try {
                write(f, List.of(cert));
                return run(List.of("openssl", "x509", "-noout", "-text", "-in", f.toString())).output();
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code openssl ec -check -pubout} of an {@code EC PRIVATE KEY} PEM: the output holds
     * {@code EC Key valid.} and the public key as {@code PUBLIC KEY} PEM when openssl reads it.
     */
    public static Result ecKey(String keyPem) {
        try {
            Path f = Files.createTempFile("meshfed-key", ".pem");
            try {
                Files.writeString(f, keyPem, StandardCharsets.US_ASCII);
                return run(List.of("openssl", "ec", "-check", "-pubout", "-in", f.toString()));
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path f, Collection<X509Certificate> certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(Certificates.toPem(c)));
        return Files.writeString(f, sb.toString(), StandardCharsets.US_ASCII);
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl did not finish");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
