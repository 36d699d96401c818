package io.paraverse.daemon.migration;

import io.paraverse.daemon.verify.VerificationReport;

import java.time.Instant;

/**
 * The last verification of a migration, as status shows it: when, how, whether clean, how many differences, one line
 * naming them, and the full report (differing keys and columns).
 */
public record VerificationSummary(Instant at, String mode, boolean clean, long mismatches, long unsettled, String summary,
                                  VerificationReport report) { }
