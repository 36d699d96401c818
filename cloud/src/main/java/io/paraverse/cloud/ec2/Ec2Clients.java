package io.paraverse.cloud.ec2;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Builds the EC2 client: credentials from the SDK's default provider chain (environment, profile, web identity,
 * instance/container role) unless given, the region from the settings or the SDK's default chain, and a retry
 * strategy of our own: throttling (RequestLimitExceeded) backs off exponentially with jitter, transient server and
 * network errors are retried, and capacity errors are NOT retried here, because the provisioner answers them by moving
 * on to the next instance type or subnet.
 */
public final class Ec2Clients {
    static final Set<String> THROTTLING = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException");
    static final Set<String> CAPACITY = Set.of("InsufficientInstanceCapacity", "InsufficientHostCapacity",
            "InsufficientCapacity", "Unsupported");

    private Ec2Clients() { }

    public static Ec2Client create(Ec2Settings settings) {
        return create(settings, DefaultCredentialsProvider.builder().build());
    }

    public static Ec2Client create(Ec2Settings settings, AwsCredentialsProvider credentials) {
        Ec2ClientBuilder b = Ec2Client.builder().credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retryStrategy(settings))
                        .apiCallAttemptTimeout(Duration.ofSeconds(30))
                        .build());
        if (settings.region() != null) {
            b.region(Region.of(settings.region()));
        }
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return b.build();
    }

    static StandardRetryStrategy retryStrategy(Ec2Settings s) {
        return StandardRetryStrategy.builder()
                .useClientDefaults(false) // the SDK's defaults retry every 5xx, capacity errors included
                .maxAttempts(s.maxAttempts())
                .circuitBreakerEnabled(false)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(s.throttleBaseDelay(), s.throttleMaxDelay()))
                .retryOnException(Ec2Clients::retryable)
                .treatAsThrottling(Ec2Clients::throttling)
                .build();
    }

    static boolean throttling(Throwable t) {
        return t instanceof AwsServiceException e && (e.statusCode() == 429 || THROTTLING.contains(errorCode(e)));
    }

    static boolean retryable(Throwable t) {
        if (throttling(t)) {
            return true;
        }
        if (t instanceof AwsServiceException e) {
            return e.statusCode() >= 500 && !CAPACITY.contains(errorCode(e));
        }
        return t instanceof SdkClientException && (t.getCause() instanceof IOException || t.getCause() instanceof java.io.UncheckedIOException);
    }

    static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    }

    /** "Code: message" of an EC2 error, for our messages (EC2 error messages carry no secrets of ours). */
    static String describe(AwsServiceException e) {
        String msg = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return errorCode(e) + (msg == null ? "" : ": " + msg);
    }
}
