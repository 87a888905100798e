namespace Arrakis.IoBypass.Block;

/// <summary>
/// Memory that a queue pair reads from or writes into: aligned for direct I/O and, where the device
/// allows, registered with it once at startup (io_uring fixed buffers). Owned by the queue pair that
/// allocated it; must not be used after that queue pair is disposed.
/// </summary>
public abstract class BlockBuffer : IDisposable
{
    /// <summary>The bytes (length a multiple of the queue pair's block size).</summary>
    public abstract Memory<byte> Memory { get; }

    public int Length => Memory.Length;

    public Span<byte> Span => Memory.Span;

    /// <summary>The queue pair this buffer belongs to (checked on every queued entry).</summary>
    public abstract IQueuePair Owner { get; }

    public abstract void Dispose();
}
