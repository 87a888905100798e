namespace Arrakis.IoBypass.Block;

/// <summary>
/// A storage submission/completion queue pair, in SPDK's vocabulary: entries are queued, handed to
/// the device by <see cref="Submit"/>, and their completions are reaped by
/// <see cref="ProcessCompletions"/>, which never blocks. Implementations: io_uring over an O_DIRECT
/// file or block device, a submit thread doing pwritev2 + fdatasync where io_uring is refused, and
/// <see cref="Simulated.SimulatedNvme"/> for crash tests.
/// </summary>
/// <remarks>
/// Threading: not thread-safe. One thread at a time owns the queue pair (callers serialize, e.g. the
/// log's pump lock); <see cref="CompletionEventFd"/> may be watched by any thread.
/// Offsets and lengths are multiples of <see cref="BlockSize"/>; buffers come from
/// <see cref="AllocateBuffer"/> (aligned for direct I/O, registered with the device when it can).
/// Results are -errno values at this edge (<see cref="BlockErrno"/>), never exceptions; exceptions
/// only for bugs (a buffer of another queue pair) and at construction.
/// </remarks>
public interface IQueuePair : IDisposable
{
    /// <summary>Short name for the startup report and INFO ("io_uring", "sync", "simulated-nvme").</summary>
    string Name { get; }

    /// <summary>Logical block size in bytes: the unit of every offset and length.</summary>
    int BlockSize { get; }

    /// <summary>Bytes addressable from offset 0.</summary>
    long Capacity { get; }

    /// <summary>The most entries that can be queued or in flight at once.</summary>
    int Depth { get; }

    /// <summary>True when <see cref="BlockWriteFlags.Fua"/> makes a write durable by itself (no flush needed).</summary>
    bool HasFua { get; }

    /// <summary>
    /// An eventfd signalled when completions are posted (a data-plane loop adds it to its idle wait
    /// edge-triggered, e.g. with IConnectionSource.WatchSignal), or -1 when completions only appear during
    /// calls on this queue pair. Watch it edge-triggered: a queue pair may leave the counter non-zero
    /// (reading it back costs a syscall per completion), so only a new signal means something. When
    /// <see cref="ProcessCompletions"/> leaves completions behind (a full span) it signals the fd again,
    /// so a watcher never sleeps on them.
    /// </summary>
    int CompletionEventFd { get; }

    /// <summary>A buffer for this queue pair: <paramref name="length"/> rounded up to the block size, aligned for direct I/O. Startup path.</summary>
    BlockBuffer AllocateBuffer(int length);

    /// <summary>
    /// Queues a write of <paramref name="length"/> bytes of <paramref name="buffer"/> (from
    /// <paramref name="bufferOffset"/>) at <paramref name="deviceOffset"/>. Returns 0, -EAGAIN when
    /// the queue is full, -EINVAL when not aligned or outside the device.
    /// </summary>
    int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag);

    /// <summary>Queues a read into <paramref name="buffer"/>; results as <see cref="QueueWrite"/>.</summary>
    int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag);

    /// <summary>
    /// Queues a flush of the device's volatile cache. With <paramref name="afterPrevious"/> it starts
    /// only once the entry queued just before it completed successfully (io_uring's IOSQE_IO_LINK); if
    /// that entry fails (or transfers fewer bytes than asked), the flush completes with -ECANCELED. The
    /// link reaches back only to an entry queued since the last <see cref="Submit"/>; when there is none,
    /// the flush still starts after everything submitted earlier but is not cancelled by its failure.
    /// Returns 0 or -EAGAIN.
    /// </summary>
    int QueueFlush(ulong tag, bool afterPrevious);

    /// <summary>Hands every queued entry to the device. Returns the number submitted or -errno. Never waits for completion.</summary>
    int Submit();

    /// <summary>Moves finished entries into <paramref name="completions"/>; returns how many. Never blocks.</summary>
    int ProcessCompletions(Span<BlockCompletion> completions);

    /// <summary>
    /// Blocks until at least one completion is waiting or <paramref name="timeoutMs"/> passed (-1: no
    /// limit). For startup, tools and tests; the data path never calls it. Returns 0 or -errno (-ETIME).
    /// </summary>
    int WaitForCompletion(int timeoutMs);
}
