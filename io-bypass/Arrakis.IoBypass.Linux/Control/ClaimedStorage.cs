using Arrakis.IoBypass.Block;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// What <see cref="StorageClaim.Claim(StorageOptions)"/> granted: the queue pair (which owns the O_DIRECT
/// descriptor) and the one-line startup report. Dispose releases it all (shutdown).
/// </summary>
public sealed class ClaimedStorage : IDisposable
{
    internal ClaimedStorage(IQueuePair queuePair, string report, bool isBlockDevice, bool preWritten)
    {
        QueuePair = queuePair;
        Report = report;
        IsBlockDevice = isBlockDevice;
        PreWritten = preWritten;
    }

    public IQueuePair QueuePair { get; }

    /// <summary>e.g. "log storage: /data/log (regular file, 64 MiB pre-written, block 4096, O_DIRECT) via io_uring (features 0x3fff, registered buffers, eventfd)".</summary>
    public string Report { get; }

    public bool IsBlockDevice { get; }

    /// <summary>True when this claim created (or extended) the file with zeros.</summary>
    public bool PreWritten { get; }

    public void Dispose() => QueuePair.Dispose();
}
