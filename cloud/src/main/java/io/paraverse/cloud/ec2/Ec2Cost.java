package io.paraverse.cloud.ec2;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What an instance costs at the configured on-demand price (USD per hour, from the migration file: Paraverse does not
 * query the pricing API): the estimate before launching (price × expected hours) and the running cost (hours since
 * launch × price). EBS, data transfer and snapshots are not included.
 */
public record Ec2Cost(String instanceType, Double pricePerHour, double hours, Instant since) {

    /** Null when no price is configured for the type. */
    public Double usd() {
        return pricePerHour == null ? null : pricePerHour * hours;
    }

    static Ec2Cost estimate(String instanceType, Ec2Settings s) {
        double hours = s.expectedHours() != null ? s.expectedHours() : s.lifetime().toMinutes() / 60.0;
        return new Ec2Cost(instanceType, s.pricePerHour().get(instanceType), hours, null);
    }

    static Ec2Cost running(String instanceType, Double pricePerHour, Instant launchedAt, Instant now) {
        double hours = Math.max(0, Duration.between(launchedAt, now).toSeconds() / 3600.0);
        return new Ec2Cost(instanceType, pricePerHour, hours, launchedAt);
    }

    /** "0.252 USD/h × 48.0 h = 12.10 USD", or why the cost is unknown. */
    public String describe() {
        String h = String.format(Locale.ROOT, "%.1f h", hours);
        if (pricePerHour == null) {
            return "cost unknown: no price_per_hour for " + instanceType + " (" + h + ")";
        }
        return String.format(Locale.ROOT, "%s USD/h × %s = %.2f USD", strip(pricePerHour), h, usd());
    }

    private static String strip(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
