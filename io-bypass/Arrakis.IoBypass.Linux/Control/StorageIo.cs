namespace Arrakis.IoBypass.Linux.Control;

/// <summary>Which queue pair the control module grants for the log (the <c>--aof-io</c> choice).</summary>
public enum StorageIo
{
    /// <summary>io_uring when the kernel grants it, else the sync thread, and the report says why.</summary>
    Auto,

    /// <summary>io_uring or a startup failure naming the refused step and errno.</summary>
    Uring,

    /// <summary>The sync pwritev2 + fdatasync thread.</summary>
    Sync,
}
