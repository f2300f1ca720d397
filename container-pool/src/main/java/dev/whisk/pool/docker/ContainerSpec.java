package dev.whisk.pool.docker;

import java.util.List;

/** What to start: image, unique name, memory limit, environment and the labels that tie it to its invoker. */
public record ContainerSpec(String image, String name, int memoryMb, List<String> env, String invokerLabel,
                            String actionLabel)
{
}
