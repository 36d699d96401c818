package io.paraverse.daemon.verify;

import java.util.Arrays;

/**
 * The 64-bit hashes of every target key production translated produced for one target table: 8 bytes a row, sorted
 * once and searched, so the scan for rows the clone has and production has not holds no rows in memory.
 */
final class ExpectedKeySet {
    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted;

    void add(RowKey key) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = key.hash64();
        sorted = false;
    }

    boolean contains(RowKey key) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, key.hash64()) >= 0;
    }
}
