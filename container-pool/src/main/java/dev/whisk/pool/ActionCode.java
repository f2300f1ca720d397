package dev.whisk.pool;

import java.util.Map;

/**
 * What {@code /init} needs for one action revision.
 *
 * @param image   the image to run: the runtime image of {@code kind}, or the action's own for blackbox.
 * @param initEnv {@code init:true} parameters, JSON-stringified when not strings.
 */
public record ActionCode(String kind, String image, String code, String main, boolean binary,
                         Map<String, String> initEnv)
{
}
