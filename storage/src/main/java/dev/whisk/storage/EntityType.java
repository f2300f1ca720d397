package dev.whisk.storage;

import dev.whisk.core.entity.WhiskAction;
import dev.whisk.core.entity.WhiskEntity;
import dev.whisk.core.entity.WhiskPackage;
import dev.whisk.core.entity.WhiskRule;
import dev.whisk.core.entity.WhiskTrigger;

/**
 * The kinds of entity the entity log holds, each with the type byte that starts its records and the REST collection
 * it lives in. Byte 0 is reserved for tombstones. Packages, triggers and rules join here with new bytes; a byte, once
 * written to a log, never changes meaning.
 */
public enum EntityType
{
    ACTION((byte)1, "actions", WhiskAction.class),
    PACKAGE((byte)2, "packages", WhiskPackage.class),
    TRIGGER((byte)3, "triggers", WhiskTrigger.class),
    RULE((byte)4, "rules", WhiskRule.class);

    /** The type byte of a delete record, followed by the document id in UTF-8. */
    public static final byte TOMBSTONE_CODE = 0;

    private static final EntityType[] VALUES = values();

    private final byte code;
    private final String collection;
    private final Class<? extends WhiskEntity> entityClass;

    EntityType(final byte code, final String collection, final Class<? extends WhiskEntity> entityClass)
    {
        this.code = code;
        this.collection = collection;
        this.entityClass = entityClass;
    }

    public byte code()
    {
        return code;
    }

    public String collection()
    {
        return collection;
    }

    public Class<? extends WhiskEntity> entityClass()
    {
        return entityClass;
    }

    /** The type with this record byte, or {@code null}. */
    public static EntityType ofCode(final byte code)
    {
        for (final EntityType type : VALUES)
        {
            if (type.code == code)
            {
                return type;
            }
        }
        return null;
    }

    /** The type of this REST collection ({@code actions}, ...), or {@code null}. */
    public static EntityType ofCollection(final String collection)
    {
        for (final EntityType type : VALUES)
        {
            if (type.collection.equals(collection))
            {
                return type;
            }
        }
        return null;
    }

    /**
     * @throws IllegalArgumentException when the entity's class has no type byte yet.
     */
    public static EntityType of(final WhiskEntity entity)
    {
        for (final EntityType type : VALUES)
        {
            if (type.entityClass == entity.getClass())
            {
                return type;
            }
        }
        throw new IllegalArgumentException("entity class " + entity.getClass().getName() + " has no entity type");
    }
}
