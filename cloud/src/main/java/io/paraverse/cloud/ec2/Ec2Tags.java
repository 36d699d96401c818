package io.paraverse.cloud.ec2;

import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.Optional;

/** The tags Paraverse puts on its instances, and reads back to find them (after a restart) or reap them. */
final class Ec2Tags {
    static final String MIGRATION = "paraverse:migration";
    static final String OWNER = "paraverse:owner";
    /** ISO-8601 instant after which {@link Ec2Reaper} may terminate the instance; removed when it becomes production. */
    static final String EXPIRES_AT = "paraverse:expires-at";
    /** The launch's idempotency token (per provisioning, persisted before RunInstances): finds the instance again. */
    static final String LAUNCH_TOKEN = "paraverse:launch-token";
    /** "production" once the migration cut over to it. */
    static final String ROLE = "paraverse:role";

    private Ec2Tags() { }

    static Optional<String> value(Instance instance, String key) {
        return instance.tags().stream().filter(t -> key.equals(t.key())).map(Tag::value).findFirst();
    }

    static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
