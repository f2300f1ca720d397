package dev.whisk.frontdoor.rest;

import dev.whisk.frontdoor.ApiError;
import dev.whisk.frontdoor.Exchange;

/**
 * The {@code skip}, {@code limit} and {@code count} query parameters of list routes, validated with OpenWhisk's
 * messages: limit defaults to 30, is at most 200, and 0 means 200.
 */
record Paging(int skip, int limit, boolean count)
{
    static final int DEFAULT_LIMIT = 30;
    static final int MAX_LIMIT = 200;

    static Paging of(final Exchange ex, final String collection)
    {
        final int skip = integer(ex.query("skip"), 0, collection);
        if (skip < 0)
        {
            throw ApiError.badRequest("The value '" + skip + "' is not greater than or equal to 0 for " +
                collection + ".");
        }
        int limit = integer(ex.query("limit"), DEFAULT_LIMIT, collection);
        if (limit < 0 || limit > MAX_LIMIT)
        {
            throw ApiError.badRequest("The value '" + limit + "' is not in the range of 0 to " + MAX_LIMIT +
                " for " + collection + ".");
        }
        if (limit == 0)
        {
            limit = MAX_LIMIT;
        }
        final boolean count = ex.queryFlag("count");
        if (count && ex.queryFlag("docs"))
        {
            throw ApiError.badRequest("The parameter 'docs' is not permitted with 'count'.");
        }
        return new Paging(skip, limit, count);
    }

    private static int integer(final String value, final int absent, final String collection)
    {
        if (value == null)
        {
            return absent;
        }
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw ApiError.badRequest("The value '" + value + "' is not an integer for " + collection + ".");
        }
    }
}
