package dev.whisk.launcher;

import dev.whisk.testkit.Http;

import java.util.function.Supplier;

/**
 * The testkit's {@link Http} client under the name the launcher's tests use: the REST API ({@code /api/v1}) of
 * the platform at an API host ({@code http://host:port}), with one credential.
 */
final class Api extends Http
{
    Api(final String apiHost, final String auth)
    {
        super(apiHost + "/api/v1", auth);
    }

    /** A client of a platform that a fixture starts later: host and credential are read at each request. */
    Api(final Supplier<String> apiHost, final Supplier<String> auth)
    {
        super(() -> apiHost.get() + "/api/v1", auth);
    }
}
