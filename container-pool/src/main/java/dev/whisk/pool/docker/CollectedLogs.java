package dev.whisk.pool.docker;

import java.util.List;

/**
 * One activation's log lines, formatted as OpenWhisk formats them.
 *
 * @param nextOffset where the next activation's lines start.
 * @param complete   whether both sentinels were seen.
 */
public record CollectedLogs(List<String> lines, long nextOffset, boolean complete)
{
}
