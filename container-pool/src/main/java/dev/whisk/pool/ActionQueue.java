package dev.whisk.pool;

import java.util.ArrayDeque;

/**
 * One action's jobs that found all its containers busy. Queued work goes to the first of the action's containers
 * that has room, warm or newly started, never to one container in particular; a new container is started only when
 * the expected wait for a busy one is longer than a few starts (see {@link ContainerPool}). Owner thread only.
 */
final class ActionQueue
{
    final ArrayDeque<Job> jobs = new ArrayDeque<>();
}
