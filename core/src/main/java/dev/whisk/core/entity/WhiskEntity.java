package dev.whisk.core.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the entity store keeps: actions now; packages, triggers and rules share the same id space
 * ({@code ns/[pkg/]name}) and join this interface as they arrive.
 */
public interface WhiskEntity
{
    String namespace();

    String name();

    String version();

    long updated();

    /** The REST collection the entity lives in: {@code actions}, {@code packages}, {@code triggers}, {@code rules}. */
    @JsonIgnore
    String collection();

    /** The document id, {@code ns/[pkg/]name}. */
    @JsonIgnore
    default String docId()
    {
        return namespace() + "/" + name();
    }
}
