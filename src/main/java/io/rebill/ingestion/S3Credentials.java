package io.rebill.ingestion;

import java.util.Objects;

/**
 * How Rebill signs in to the bucket of an S3 export. The secret parts are handed over by the caller (which keeps
 * them sealed at rest) and never printed.
 */
public sealed interface S3Credentials {

    /** An IAM user's access key with read access to the bucket. */
    record AccessKey(String accessKeyId, String secretAccessKey) implements S3Credentials {
        public AccessKey {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }

        @Override
        public String toString() {
            return "AccessKey[" + accessKeyId + "]";
        }
    }

    /**
     * A role in the bucket owner's account that Rebill assumes (STS AssumeRole) with the external id the role's trust
     * policy requires, signed with the server's own AWS credentials (its instance role or environment).
     */
    record AssumedRole(String roleArn, String externalId) implements S3Credentials {
        public AssumedRole {
            Objects.requireNonNull(roleArn, "roleArn");
            Objects.requireNonNull(externalId, "externalId");
        }

        @Override
        public String toString() {
            return "AssumedRole[" + roleArn + "]";
        }
    }
}
