package dev.whisk.scheduler.alarm;

/** What an alarm does when due: fire its trigger. Called on the alarm thread; must not block for long. */
public interface TriggerFirer
{
    /**
     * @return false when the trigger (or its owner) no longer exists: the alarm is then removed.
     */
    boolean fire(String ownerNamespace, String trigger, byte[] payload);
}
