namespace Arrakis.IoBypass.Linux.Control;

/// <summary>What the control module is asked to claim for the log.</summary>
/// <param name="Path">A file to create (pre-written), an existing file, or a block device.</param>
public sealed record StorageOptions(string Path)
{
    /// <summary>io_uring, the sync thread, or io_uring with fallback.</summary>
    public StorageIo Io { get; init; } = StorageIo.Auto;

    /// <summary>Bytes a new (or empty) file is pre-written with zeros to (a multiple of 4096).</summary>
    public long NewFileCapacity { get; init; } = 64L << 20;

    /// <summary>Queue depth (entries queued or in flight).</summary>
    public int Depth { get; init; } = 256;

    /// <summary>io_uring only: a kernel thread polls the submission ring (opt-in).</summary>
    public bool SqPoll { get; init; }

    /// <summary>io_uring only: register buffers as fixed buffers.</summary>
    public bool RegisterBuffers { get; init; } = true;

    /// <summary>
    /// Honour FUA writes with RWF_DSYNC (durable on completion, no separate flush; the queue pair then
    /// reports HasFua). Off by default; refused together with <see cref="SqPoll"/> (measured ~4 ms per write).
    /// </summary>
    public bool DsyncWrites { get; init; }
}
