namespace Arrakis.Persistence.Log;

/// <summary>Redis's appendfsync.</summary>
public enum FsyncPolicy
{
    /// <summary>A write's reply waits until the log is durable past it (group commit).</summary>
    Always,

    /// <summary>Written to the device at once, flushed about once a second; replies do not wait.</summary>
    EverySec,

    /// <summary>Written to the device at once, never flushed by us (the device's cache decides).</summary>
    No,
}
