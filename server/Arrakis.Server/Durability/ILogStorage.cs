using Arrakis.IoBypass.Block;

namespace Arrakis.Server.Durability;

/// <summary>What the control module grants the log beyond the first segment (the host implements it with the storage claim).</summary>
internal interface ILogStorage
{
    /// <summary>Claims a segment file at <paramref name="path"/>, pre-writing <paramref name="capacity"/> bytes when it is new. Throws <see cref="InvalidOperationException"/> when it cannot.</summary>
    LogDevice Open(string path, long capacity);

    /// <summary>True when a segment exists at <paramref name="path"/> (a file or a device).</summary>
    bool Exists(string path);

    /// <summary>
    /// Durably zeros [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="bytes"/>) of the claimed
    /// segment at <paramref name="path"/> (a region of an --aof-device about to hold a new segment), from a thread
    /// other than the one driving its queue pair. 0 or -errno.
    /// </summary>
    int ZeroRange(string path, long offset, long bytes);

    /// <summary>fsync of a directory: 0 or -errno.</summary>
    int SyncDirectory(string directory);
}

/// <summary>A claimed segment: its queue pair, the control module's report line, and what releases it.</summary>
internal sealed record LogDevice(IQueuePair QueuePair, string Report, IDisposable Owner);
