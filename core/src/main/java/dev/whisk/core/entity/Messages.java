package dev.whisk.core.entity;

/**
 * The catalogue of user-facing messages, worded as Apache OpenWhisk words them so that clients matching on them keep
 * working. Every error a client can see comes from here.
 */
public final class Messages
{
    public static final String ILLEGAL_NAME = "The name of the entity contains illegal characters.";
    public static final String RESOURCE_NOT_FOUND = "The requested resource does not exist.";
    public static final String ROUTE_NOT_FOUND = "The requested resource could not be found.";
    public static final String AUTH_REQUIRED =
        "The resource requires authentication, which was not supplied with the request";
    public static final String AUTH_INVALID = "The supplied authentication is invalid";
    public static final String ENTITY_EXISTS = "resource already exists";
    public static final String WRONG_COLLECTION = "Resource by this name exists but is not in this collection.";
    public static final String CONCURRENT_MODIFICATION = "Concurrent modification to resource detected.";
    public static final String EXEC_UNDEFINED = "exec undefined";
    public static final String MALFORMED_PREFIX = "The request content was malformed:\n";
    public static final String BLOCKING_TIMEOUT_RANGE = "Timeout must be number of milliseconds up to 60000.";
    public static final String INTERNAL_ERROR = "Internal server error.";
    public static final String SERVICE_UNAVAILABLE = "Service Unavailable";
    public static final String UNSUPPORTED_MEDIA_TYPE_PREFIX = "The request's Content-Type [";
    public static final String ACTIVATION_ID_LENGTH = "Activation id length is %d but must be 32.";
    public static final String PARAMS_NOT_ALLOWED =
        "Request defines parameters that are not allowed (e.g., reserved properties).";

    public static final String BINDING_OPERATION_NOT_PERMITTED = "Operation not permitted on package binding.";
    public static final String PACKAGE_NAME_RESERVED = "Package name 'default' is reserved.";
    public static final String BINDING_TARGET_MISSING = "Binding references a package that does not exist.";
    public static final String BINDING_TO_BINDING = "Cannot bind to another package binding.";
    public static final String BINDING_TO_SELF = "Binding may not refer to itself.";
    public static final String RULE_NEEDS_TRIGGER_AND_ACTION = "rule requires a valid trigger and a valid action";
    public static final String RULE_TRIGGER_MISSING = "Only rules with existing triggers can be activated";
    public static final String RULE_STATUS_INVALID = "status must be 'active' or 'inactive'.";
    public static final String SEQUENCE_TOO_LONG = "Too many actions in the sequence.";
    public static final String SEQUENCE_NO_COMPONENT = "No component specified for the sequence.";
    public static final String SEQUENCE_REFERS_TO_ITSELF = "Sequence may not refer to itself.";
    public static final String SEQUENCE_COMPONENT_MISSING = "Sequence component does not exist.";
    public static final String SEQUENCE_FAILED = "Sequence failed.";
    public static final String COMPOSITION_TOO_LONG = "Too many actions in the composition.";
    public static final String COMPOSITION_FAILED = "Activation failure during composition.";

    public static final String NOT_AUTHORIZED_RESOURCE =
        "The supplied authentication is not authorized to access this resource.";

    public static final String TIMED_OUT_RUN = "The action exceeded its time limits of %d milliseconds.";
    public static final String TIMED_OUT_INIT =
        "The action exceeded its time limits of %d milliseconds during initialization.";
    public static final String ABNORMAL_INIT = "The action did not initialize and exited unexpectedly.";
    public static final String ABNORMAL_RUN = "The action did not produce a valid response and exited unexpectedly.";
    public static final String INVALID_RUN_RESPONSE = "The action did not produce a valid JSON or JSON Array response: ";
    public static final String FAILED_INIT = "The action failed during initialization: ";
    public static final String MEMORY_EXHAUSTED = "The action exhausted its memory and was aborted.";
    public static final String PROVISION_FAILED = "Failed to provision resources to run the action.";
    public static final String TRUNCATED_RESULT =
        "The action produced a response that exceeded the allowed length: %d > %d bytes. The truncated response was: ";
    public static final String LOGS_TRUNCATED =
        "Logs were truncated because the total bytes size exceeds the limit of %d bytes.";
    public static final String LOG_COLLECTION_FAILED =
        "There was an issue while collecting your logs. Data might be missing.";
    public static final String PLATFORM_RESTARTED =
        "The platform stopped before this activation completed; it was not run or its outcome is unknown.";
    public static final String COMPOSITION_STOPPED =
        "The platform stopped during this composition; the steps it had not finished were not run again.";
    public static final String NO_INVOKER = "No invoker is available to run the action.";
    public static final String REQUEST_TIMEOUT =
        "The request's headers or body did not arrive in time; the connection is closed.";
    public static final String TOO_MANY_FAILED_AUTHENTICATIONS =
        "Too many failed authentications from this client; try again later.";
    public static final String WEBHOOK_DELIVERIES_FULL =
        "Too many webhook deliveries within the replay window; try again later.";

    private Messages()
    {
    }

    /** The {@code action} a conductor returned is not an action name (OpenWhisk prints the JSON value). */
    public static String compositionComponentInvalid(final String json)
    {
        return "Failed to parse action name from json value " + json + " during composition.";
    }

    public static String compositionComponentNotFound(final String path)
    {
        return "Failed to resolve action with name '" + path + "' during composition.";
    }

    public static String compositionComponentNotAccessible(final String path)
    {
        return "Failed entitlement check for action with name '" + path + "' during composition.";
    }

    public static String unsupportedRuntime(final String kind, final String supported)
    {
        return "The specified runtime '" + kind + "' is not supported by this platform. Valid values are: " +
            supported + ".";
    }

    public static String notAuthorized(final String what)
    {
        return "The supplied authentication is not authorized to access '" + what + "'.";
    }

    public static String packageNotEmpty(final int entities)
    {
        return "Package not empty (contains " + entities + " " + (entities == 1 ? "entity" : "entities") +
            "). Set force param or delete package contents.";
    }

    public static String tooManyRequests(final long count, final long allowed)
    {
        return "Too many requests in the last minute (count: " + count + ", allowed: " + allowed + ").";
    }

    public static String tooManyConcurrentRequests(final long count, final long allowed)
    {
        return "Too many concurrent requests in flight (count: " + count + ", allowed: " + allowed + ").";
    }

    public static String requestTooLarge(final long size, final long max)
    {
        return "Request larger than allowed: " + size + " > " + max + " bytes.";
    }

    /** A body refused on its headers: the front door already holds as many request bodies as it may. */
    public static String bodiesOverBudget(final long size, final long maxBytes)
    {
        return "Too many request bodies are being received at once: this one (" + size + " bytes) does not fit " +
            "the " + maxBytes + " bytes the platform holds for them. Retry later.";
    }

    /** An invoke refused before it was accepted: as many large payloads as the platform may hold wait to run. */
    public static String payloadsOverBudget(final long size, final long maxBytes)
    {
        return "Too many large payloads are waiting to run: this one (" + size + " bytes) does not fit the " +
            maxBytes + " bytes the platform holds for them. Retry later.";
    }

    /** A webhook delivery seen before within the replay window. */
    public static String webhookReplayed(final long windowS)
    {
        return "This webhook delivery was already received within the last " + windowS +
            " seconds; a replayed delivery is refused.";
    }

    /** A webhook timestamp that is not seconds since the epoch within the window of the platform's clock. */
    public static String webhookStale(final long windowS)
    {
        return "The webhook timestamp (X-Webhook-Timestamp, seconds since the epoch) must be within " + windowS +
            " seconds of the platform's clock.";
    }
}
