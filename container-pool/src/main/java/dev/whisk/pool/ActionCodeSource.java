package dev.whisk.pool;

/**
 * Where the pool gets an action's code when it must initialize a container. Called on the pool's Docker executor
 * (it may block); never on the hot path of a warm run.
 */
public interface ActionCodeSource
{
    /** The code of the action at {@code actionPath} with this revision, or {@code null} when it no longer exists. */
    ActionCode fetch(String actionPath, String version, long revision);
}
