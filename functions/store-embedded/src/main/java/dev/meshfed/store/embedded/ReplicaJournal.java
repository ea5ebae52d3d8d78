package dev.meshfed.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The write-ahead journal of one replica ({@code <data-dir>/<dc>/<table>.log}): every change of
 * the replica's slots is appended and forced to disk before the write returns, and replayed in
 * order on open.
 *
 * <p>File format, version 1 (big-endian): an 8-byte header, the ASCII magic {@code MFJL}, a
 * 2-byte format version and 2 reserved zero bytes; then records, each a 4-byte payload length, the
 * 4-byte CRC32C of the payload and the payload ({@link JournalCodec}). A compacted journal is the
 * same format: one record per slot, then whatever is appended after it.
 *
 * <p>Recovery replays records until the first one that is torn (shorter than its length says),
 * fails its checksum or does not decode, and truncates the file there: a crash in the middle of an
 * append loses only that append, which was never acknowledged. Bytes after a bad record are
 * dropped with it (a warning gives the count); the journal keeps no index to resynchronise on.
 *
 * <p>Appends use {@link RandomAccessFile} and {@link java.io.FileDescriptor#sync()} (fsync), not a
 * {@code FileChannel}: an interrupted writer thread (a request cancelled, a shutdown) must not
 * close the journal for every later writer, which an interruptible channel would.
 *
 * <p>Compaction writes the slots to {@code <table>.log.compact}, forces it, renames it over the
 * log atomically and forces the directory; a crash before the rename leaves the old log intact
 * and the temporary file is deleted on the next open.
 */
final class ReplicaJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaJournal.class.getName());

    static final int MAGIC = 0x4D464A4C; // "MFJL"
    static final short FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 8;
    static final int RECORD_HEADER_BYTES = 8;
    /** A record longer than this is corruption: an item is at most 400 KB, its encoding a little more. */
    static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;
    /** A journal is compacted once it is past this size and twice its size after the last compaction. */
    static final long COMPACT_AFTER_BYTES = 4L * 1024 * 1024;
    static final String TEMP_SUFFIX = ".compact";

    private final Path file;
    private final Path temp;
    private final long compactAfterBytes;
    private RandomAccessFile raf;
    private long size;
    private long sizeAfterCompaction;
    private long records;
    private boolean closed;

    private ReplicaJournal(Path file, long compactAfterBytes) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        this.compactAfterBytes = compactAfterBytes;
    }

    /**
     * Opens (creating if missing, owner-only) the journal at {@code file}, replays every intact
     * record into {@code replay} in order, truncates a torn or corrupt tail, and positions for
     * appending.
     *
     * @throws IllegalStateException when the file is not a meshfed journal or has a newer format
     */
    static ReplicaJournal open(Path file, long compactAfterBytes, Consumer<Replicated> replay) {
        ReplicaJournal j = new ReplicaJournal(file, compactAfterBytes);
        try {
            Files.deleteIfExists(j.temp); // a compaction that crashed before its rename
            j.recover(replay);
        } catch (IOException e) {
            j.closeQuietly();
            throw new UncheckedIOException("cannot open journal " + file, e);
        } catch (RuntimeException e) {
            j.closeQuietly();
            throw e;
        }
        return j;
    }

    private void recover(Consumer<Replicated> replay) throws IOException {
        boolean existed = Files.exists(file);
        if (!existed) {
            DataDirectory.createOwnerOnlyFile(file);
        }
        raf = new RandomAccessFile(file.toFile(), "rw");
        byte[] all = Files.readAllBytes(file);
        if (all.length < HEADER_BYTES) {
            // new, or a crash while the header was written: nothing was ever acknowledged here
            raf.setLength(0);
            raf.write(header());
            raf.getFD().sync();
            size = HEADER_BYTES;
            sizeAfterCompaction = size;
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(all);
        int magic = in.getInt();
        short version = in.getShort();
        if (magic != MAGIC) {
            throw new IllegalStateException(file + " is not a meshfed journal (bad magic); refusing to touch it");
        }
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException(file + " has journal format " + version + ", this build reads "
                    + FORMAT_VERSION);
        }
        long good = HEADER_BYTES;
        String bad = null;
        CRC32C crc = new CRC32C();
        while (good < all.length) {
            int at = (int) good;
            if (all.length - at < RECORD_HEADER_BYTES) {
                bad = "torn record header";
                break;
            }
            int length = ByteBuffer.wrap(all, at, 4).getInt();
            int sum = ByteBuffer.wrap(all, at + 4, 4).getInt();
            if (length <= 0 || length > MAX_RECORD_BYTES) {
                bad = "bad record length " + length;
                break;
            }
            if (all.length - at - RECORD_HEADER_BYTES < length) {
                bad = "torn record";
                break;
            }
            crc.reset();
            crc.update(all, at + RECORD_HEADER_BYTES, length);
            if ((int) crc.getValue() != sum) {
                bad = "checksum mismatch";
                break;
            }
            Replicated r;
            try {
                r = JournalCodec.decode(java.util.Arrays.copyOfRange(all, at + RECORD_HEADER_BYTES,
                        at + RECORD_HEADER_BYTES + length));
            } catch (JournalCodec.Undecodable e) {
                bad = e.getMessage();
                break;
            }
            replay.accept(r);
            records++;
            good = at + RECORD_HEADER_BYTES + length;
        }
        if (bad != null) {
            LOG.warning("journal=" + file + " recovered=" + records + " truncatedAt=" + good + " droppedBytes="
                    + (all.length - good) + " reason=" + bad);
            raf.setLength(good);
            raf.getFD().sync();
        }
        size = good;
        sizeAfterCompaction = size;
        raf.seek(size);
    }

    private static byte[] header() {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putShort(FORMAT_VERSION).putShort((short) 0).array();
    }

    private static byte[] frame(Replicated slot) {
        byte[] payload = JournalCodec.encode(slot);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length).putInt(payload.length)
                .putInt((int) crc.getValue()).put(payload).array();
    }

    /** Appends one slot change and forces it to disk; returns only once it is durable. */
    void append(Replicated slot) {
        requireOpen();
        byte[] b = frame(slot);
        try {
            raf.write(b);
            raf.getFD().sync();
        } catch (IOException e) {
            // the tail may now hold part of this record: recovery drops it, and so must we
            try {
                raf.setLength(size);
                raf.seek(size);
            } catch (IOException ignored) {
                // the next open truncates it
            }
            throw new UncheckedIOException("cannot append to journal " + file, e);
        }
        size += b.length;
        records++;
    }

    boolean needsCompaction() {
        return !closed && size > compactAfterBytes && size > 2 * sizeAfterCompaction;
    }

    /**
     * Replaces the journal by a snapshot of {@code slots} (the replica's whole state). On failure
     * before the rename the old journal stays in use and nothing is lost.
     */
    void compact(Collection<Replicated> slots) throws IOException {
        requireOpen();
        long written = HEADER_BYTES;
        Files.deleteIfExists(temp);
        DataDirectory.createOwnerOnlyFile(temp);
        try (FileOutputStream out = new FileOutputStream(temp.toFile());
                java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 64 * 1024)) {
            buffered.write(header());
            for (Replicated slot : slots) {
                byte[] b = frame(slot);
                written += b.length;
                buffered.write(b);
            }
            buffered.flush();
            out.getFD().sync();
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        DataDirectory.forceDirectory(file.getParent());
        RandomAccessFile old = raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");
            raf.seek(written);
        } catch (IOException e) {
            // the old file handle now points at an unlinked file: never append there, fail every write
            closed = true;
            old.close();
            throw e;
        }
        old.close();
        size = written;
        sizeAfterCompaction = written;
        records = slots.size();
    }

    /** Bytes in the journal, header included. */
    long size() {
        return size;
    }

    /** Records in the journal (replayed or appended since the last compaction). */
    long records() {
        return records;
    }

    Path file() {
        return file;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("journal " + file + " is closed");
        }
    }

    /** Forces and closes the journal; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (raf != null) {
            try {
                raf.getFD().sync();
                raf.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close journal " + file, e);
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // already failing
        }
    }
}
