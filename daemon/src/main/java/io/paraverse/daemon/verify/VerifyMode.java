package io.paraverse.daemon.verify;

/** What a verification reads of production. */
public enum VerifyMode {
    /** Every row of every source table, in primary-key chunks. */
    FULL,
    /** N random rows per source table. */
    SAMPLED,
    /** An explicit list of source keys per table (at cutover: the recently changed keys). */
    KEYS
}
