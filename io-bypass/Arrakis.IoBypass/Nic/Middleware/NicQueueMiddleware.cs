namespace Arrakis.IoBypass.Nic.Middleware;

/// <summary>
/// A device that wraps a NIC queue (smoltcp's middleware): every member goes to the inner queue unless
/// the middleware overrides it. Disposing the middleware disposes the inner queue.
/// </summary>
public abstract class NicQueueMiddleware(INicQueue inner) : INicQueue
{
    protected INicQueue Inner { get; } = inner;

    public abstract string Name { get; }
    public int FrameCapacity => Inner.FrameCapacity;
    public int WaitFd => Inner.WaitFd;
    public NicQueueStats Stats => Inner.Stats;

    public Span<byte> Data(PacketBuffer frame) => Inner.Data(frame);

    public int Allocate(Span<PacketBuffer> frames) => Inner.Allocate(frames);

    public void Release(ReadOnlySpan<PacketBuffer> frames) => Inner.Release(frames);

    public virtual int RxBurst(Span<PacketBuffer> frames) => Inner.RxBurst(frames);

    public virtual int TxBurst(ReadOnlySpan<PacketBuffer> frames) => Inner.TxBurst(frames);

    public virtual void Flush() => Inner.Flush();

    public virtual void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
