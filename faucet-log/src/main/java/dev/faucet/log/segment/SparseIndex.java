package dev.faucet.log.segment;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogFile;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.format.IndexEntryDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sparse, sorted map from non-decreasing keys to values, kept in memory and mirrored in an index file
 * ({@link IndexEntryDescriptor}). The writer thread adds entries; any thread may look them up concurrently.
 *
 * <p>Loading keeps the valid prefix of the file and cuts the rest; the segment then re-adds what is missing.
 */
final class SparseIndex implements AutoCloseable {
    private final LogFile file;
    private final int magic;
    private volatile long[] keys = new long[64];
    private volatile long[] values = new long[64];
    private volatile int count;
    private ByteBuffer pending = ByteBuffer.allocate(64 * IndexEntryDescriptor.LENGTH);

    private SparseIndex(LogFile file, int magic) {
        this.file = file;
        this.magic = magic;
    }

    /** Opens (or creates) the index file and keeps its entries that are valid and accepted by {@code bound}. */
    static SparseIndex open(FileSeam seam, Path path, int magic, long base, EntryBound bound) throws IOException {
        SparseIndex index = new SparseIndex(seam.open(path), magic);
        index.load(base, bound);
        return index;
    }

    /** Decides whether a loaded entry can still be trusted. */
    interface EntryBound {
        boolean accepts(long key, long value);
    }

    private void load(long base, EntryBound bound) throws IOException {
        long size = file.size();
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 64));
        file.read(all, 0);
        all.flip();
        if (!headerValid(all, base)) {
            file.truncate(0);
            file.append(FileHeaderDescriptor.encode(magic, base));
            return;
        }
        int pos = FileHeaderDescriptor.LENGTH;
        while (pos + IndexEntryDescriptor.LENGTH <= all.limit() && IndexEntryDescriptor.valid(all, pos)) {
            long key = all.getLong(pos + IndexEntryDescriptor.KEY_OFFSET);
            long value = all.getLong(pos + IndexEntryDescriptor.VALUE_OFFSET);
            if ((count > 0 && key < lastKey()) || !bound.accepts(key, value)) {
                break;
            }
            addInMemory(key, value);
            pos += IndexEntryDescriptor.LENGTH;
        }
        if (pos < size) {
            file.truncate(pos);
        }
    }

    private boolean headerValid(ByteBuffer all, long base) {
        try {
            return FileHeaderDescriptor.decode(all, magic, file.path().toString()) == base;
        } catch (FormatException e) {
            return false;
        }
    }

    void add(long key, long value) {
        addInMemory(key, value);
        if (pending.remaining() < IndexEntryDescriptor.LENGTH) {
            pending = ByteBuffer.allocate(pending.capacity() * 2).put(pending.flip());
        }
        IndexEntryDescriptor.put(pending, key, value);
    }

    private void addInMemory(long key, long value) {
        int n = count;
        if (n == keys.length) {
            values = Arrays.copyOf(values, n * 2);
            keys = Arrays.copyOf(keys, n * 2);
        }
        keys[n] = key;
        values[n] = value;
        count = n + 1;
    }

    /** Writes added entries to the file (not durable: indexes are rebuilt when torn). */
    void flush() throws IOException {
        if (pending.position() > 0) {
            file.append(pending.flip());
            pending.clear();
        }
    }

    void force() throws IOException {
        flush();
        file.force();
    }

    /** Keeps the first {@code n} entries (entries of the two indexes of a segment come in pairs). */
    void truncateTo(int n) throws IOException {
        if (n < count) {
            count = n;
            file.truncate(FileHeaderDescriptor.LENGTH + (long) n * IndexEntryDescriptor.LENGTH);
        }
    }

    int count() {
        return count;
    }

    long lastKey() {
        return keys[count - 1];
    }

    long lastValue() {
        return values[count - 1];
    }

    /** The index of the last entry whose key is at most {@code key} ({@code strict}: below it), or -1. */
    int floor(long key, boolean strict) {
        int n = count;
        long[] ks = keys;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ks[mid] < key || (!strict && ks[mid] == key)) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    long valueAt(int i) {
        return values[i];
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
