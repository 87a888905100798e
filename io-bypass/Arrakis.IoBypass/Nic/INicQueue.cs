namespace Arrakis.IoBypass.Nic;

/// <summary>
/// One NIC queue's receive and transmit rings, polled from user space: an AF_XDP socket bound to a
/// queue (IoBypass.Linux), a simulated VF linking two stacks in one process, or a middleware device
/// wrapping either (pcap writer, fault injector). Frames live in buffers of the queue's own pool
/// (<see cref="PacketBuffer"/>); nothing is copied between the rings and the caller.
/// </summary>
/// <remarks>
/// Threading: one owning thread calls every member (a data-plane thread); <see cref="WaitFd"/> may be
/// added to that thread's idle wait. Nothing blocks and nothing throws for what the wire brings;
/// exceptions only at construction and for bugs (a buffer that is not this queue's).
/// Ownership: a buffer returned by <see cref="RxBurst"/> or <see cref="Allocate"/> belongs to the caller
/// until it hands it back with <see cref="TxBurst"/> (then to the queue until sent) or
/// <see cref="Release"/>. A buffer received may be transmitted as is (answering in place).
/// </remarks>
public interface INicQueue : IDisposable
{
    /// <summary>For the startup report and INFO, e.g. "af_xdp veth0 queue 0 (copy, need_wakeup)".</summary>
    string Name { get; }

    /// <summary>Capacity of every buffer in bytes (the largest frame it can hold, headroom excluded).</summary>
    int FrameCapacity { get; }

    /// <summary>Takes up to <c>frames.Length</c> received frames; returns how many. Never blocks.</summary>
    int RxBurst(Span<PacketBuffer> frames);

    /// <summary>Takes up to <c>frames.Length</c> empty buffers for frames to send (Length 0); returns how many (fewer when the pool is short).</summary>
    int Allocate(Span<PacketBuffer> frames);

    /// <summary>
    /// Queues frames for transmission (each with its Length set); returns how many were taken, in order.
    /// Those not taken (the ring is full) stay the caller's. Sending may wait for <see cref="Flush"/>.
    /// </summary>
    int TxBurst(ReadOnlySpan<PacketBuffer> frames);

    /// <summary>Gives buffers back to the pool (frames read and done with, or allocated and not sent).</summary>
    void Release(ReadOnlySpan<PacketBuffer> frames);

    /// <summary>
    /// End of a batch: makes queued frames go out now (a kernel wakeup where the queue needs one), reaps
    /// finished transmissions and refills the receive side. Call once per loop iteration, not per frame.
    /// </summary>
    void Flush();

    /// <summary>The bytes of <paramref name="frame"/>'s buffer: <see cref="FrameCapacity"/> long; the frame is the first Length bytes.</summary>
    Span<byte> Data(PacketBuffer frame);

    /// <summary>A file descriptor readable when frames may have arrived (for the idle wait), or -1 when the queue can only be polled.</summary>
    int WaitFd { get; }

    NicQueueStats Stats { get; }
}
