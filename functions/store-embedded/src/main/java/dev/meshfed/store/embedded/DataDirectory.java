package dev.meshfed.store.embedded;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The data directory of a durable {@link EmbeddedFederation}: owner-only (0700, files 0600 where
 * the file system is POSIX), locked by one process at a time ({@value #LOCK_FILE}, an OS file
 * lock that dies with the process), and described by {@value #METADATA_FILE}, which records the
 * federation's datacenters and primary so that a later open cannot silently change them.
 *
 * <pre>
 * DIR/lock                       the process lock (empty)
 * DIR/federation.properties      format=1, primary=dc1, datacenters=dc1,dc2
 * DIR/&lt;dc&gt;/&lt;table&gt;.log          one journal per replica: ca.log, intentions.log, private.log
 * </pre>
 */
final class DataDirectory implements AutoCloseable {
    static final String LOCK_FILE = "lock";
    static final String METADATA_FILE = "federation.properties";
    static final int METADATA_FORMAT = 1;
    /** DC names become directory names: the item-key owner syntax keeps them safe. */
    private static final Pattern DC_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the directory if missing, makes it owner-only and takes its lock.
     *
     * @throws IllegalStateException when another process (or another federation in this one) holds it
     */
    static DataDirectory lock(Path root) {
        try {
            createOwnerOnlyDirectory(root);
            Path lockFile = root.resolve(LOCK_FILE);
            if (!Files.exists(lockFile)) {
                createOwnerOnlyFile(lockFile);
            }
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new IllegalStateException("data directory " + root + " is in use by another meshfed dev (lock "
                        + lockFile + " is held); stop it or choose another --data-dir");
            }
            return new DataDirectory(root, ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open data directory " + root, e);
        }
    }

    Path root() {
        return root;
    }

    /** The directory of one DC, created owner-only if missing. */
    Path datacenter(String dc) {
        requireDcName(dc);
        Path p = root.resolve(dc);
        try {
            createOwnerOnlyDirectory(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + p, e);
        }
        return p;
    }

    static void requireDcName(String dc) {
        if (dc == null || !DC_NAME.matcher(dc).matches()) {
            throw new IllegalArgumentException("datacenter name " + dc + " cannot name a directory: use [a-z0-9-]");
        }
    }

    /**
     * Checks {@code datacenters} and {@code primary} against what the directory recorded (if
     * anything) and records them: same primary, every recorded DC still present; new DCs are added.
     *
     * @throws IllegalArgumentException naming what differs
     */
    void checkAndRecord(List<String> datacenters, String primary) {
        Path meta = root.resolve(METADATA_FILE);
        try {
            if (Files.exists(meta)) {
                Properties p = new Properties();
                p.load(new StringReader(Files.readString(meta, StandardCharsets.UTF_8)));
                String format = p.getProperty("format");
                if (!String.valueOf(METADATA_FORMAT).equals(format)) {
                    throw new IllegalArgumentException(meta + " has format " + format + ", this build reads "
                            + METADATA_FORMAT);
                }
                String recordedPrimary = p.getProperty("primary");
                if (!primary.equals(recordedPrimary)) {
                    throw new IllegalArgumentException("data directory " + root + " belongs to a federation whose primary is "
                            + recordedPrimary + ", not " + primary);
                }
                List<String> recorded = Arrays.asList(p.getProperty("datacenters", "").split(","));
                List<String> dropped = new ArrayList<>(recorded);
                dropped.removeIf(d -> d.isEmpty() || datacenters.contains(d));
                if (!dropped.isEmpty()) {
                    throw new IllegalArgumentException("data directory " + root + " holds datacenters " + dropped
                            + " that are missing from " + datacenters + "; a datacenter cannot be dropped");
                }
                List<String> merged = new ArrayList<>(recorded);
                datacenters.stream().filter(d -> !merged.contains(d)).forEach(merged::add);
                if (merged.equals(recorded)) {
                    return;
                }
                write(meta, merged, primary);
            } else {
                write(meta, datacenters, primary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + meta, e);
        }
    }

    /** Records a DC added to a running federation (no-op when already recorded). */
    void recordDatacenter(String dc, String primary) {
        Path meta = root.resolve(METADATA_FILE);
        try {
            List<String> recorded = new ArrayList<>();
            if (Files.exists(meta)) {
                Properties p = new Properties();
                p.load(new StringReader(Files.readString(meta, StandardCharsets.UTF_8)));
                Arrays.stream(p.getProperty("datacenters", "").split(",")).filter(d -> !d.isEmpty())
                        .forEach(recorded::add);
            }
            if (!recorded.contains(dc)) {
                recorded.add(dc);
                write(meta, recorded, primary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + meta, e);
        }
    }

    private void write(Path meta, List<String> datacenters, String primary) throws IOException {
        String text = "# meshfed dev federation: the datacenters and primary this directory belongs to\n"
                + "format=" + METADATA_FORMAT + "\n"
                + "primary=" + primary + "\n"
                + "datacenters=" + String.join(",", datacenters) + "\n";
        Path tmp = meta.resolveSibling(METADATA_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnlyFile(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(root);
    }

    static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (posix(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, DIR_PERMS); // also narrows a directory the user made
        }
    }

    static void createOwnerOnlyFile(Path file) throws IOException {
        try {
            if (posix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_PERMS));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // created between the check and here: fine, permissions below
        }
        if (posix(file)) {
            Files.setPosixFilePermissions(file, FILE_PERMS);
        }
    }

    /** Forces a directory's entries (a rename) to disk, where the platform allows opening a directory. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported on this platform (Windows): the rename is atomic but may not be durable yet
        }
    }

    /** Releases the lock; idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + root.resolve(LOCK_FILE), e);
        }
    }
}
