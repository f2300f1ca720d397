package dev.whisk.storage;

/** The outcome of a conditional store write. */
public enum WriteResult
{
    OK,
    /** The id exists (on create) or the stored revision is not the one expected. */
    CONFLICT,
    NOT_FOUND
}
