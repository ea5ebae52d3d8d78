package dev.meshfed.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found from the test's working directory (the module's folder). */
final class RepoFiles {

    private RepoFiles() {
    }

    /** The repository root: the nearest ancestor holding the {@code meshfed} launcher and {@code infra/}. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("meshfed")) && Files.isDirectory(p.resolve("infra"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
