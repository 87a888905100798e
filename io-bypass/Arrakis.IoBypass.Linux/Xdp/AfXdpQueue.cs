using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Nic;
using static Arrakis.IoBypass.Linux.Xdp.FramePool;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// An <see cref="INicQueue"/> over one AF_XDP socket: frames live in the socket's UMEM, a
/// <see cref="PacketBuffer"/>'s handle is the UMEM address of its first byte, and no byte is copied
/// between the rings and the caller. RX frames come from the RX ring (the kernel filled chunks we lent
/// through the fill ring); TX frames go to the TX ring and come back through the completion ring.
/// </summary>
/// <remarks>
/// Threading and ownership as <see cref="INicQueue"/>: one owning thread; nothing blocks, the only
/// syscalls on the data path are the TX kick (sendto, when the TX ring asks for a wakeup) and the fill
/// wakeup (recvfrom, when the fill ring asks) in <see cref="Flush"/>. Handing back a buffer the caller
/// does not own throws (a bug); nothing a frame contains can make a member throw.
/// </remarks>
internal sealed class AfXdpQueue : INicQueue
{
    private readonly XskSocket _socket;
    private readonly Umem _umem;
    private readonly FramePool _pool;
    private readonly XdpSteering? _ownedSteering;
    private readonly int _dataOffset;
    /// <summary>Frames the kernel sends per TX kick in copy mode (TX_BATCH_SIZE in net/xdp/xsk.c).</summary>
    private const int TxKernelBatch = 32;
    private readonly NicQueueStats _stats = new();
    private bool _txQueued;
    /// <summary>Chunks given through the fill ring and not yet received back through the RX ring.</summary>
    private int _lentToRx;
    private bool _disposed;

    internal AfXdpQueue(string name, XskSocket socket, Umem umem, FramePool pool, int dataOffset, XdpSteering? ownedSteering)
    {
        Name = name;
        _socket = socket;
        _umem = umem;
        _pool = pool;
        _dataOffset = dataOffset;
        _ownedSteering = ownedSteering;
        FrameCapacity = umem.ChunkSize - dataOffset;
        Refill();
    }

    public string Name { get; }

    public int FrameCapacity { get; }

    public int WaitFd => _socket.Fd;

    /// <summary>The counters; reading them also refreshes <see cref="NicQueueStats.RxDropped"/> from XDP_STATISTICS (one getsockopt: not for the data path).</summary>
    public NicQueueStats Stats
    {
        get
        {
            if (!_disposed && _socket.ReadStatistics(out xdp_statistics k) == 0)
                _stats.RxDropped = (long)(k.rx_dropped + k.rx_ring_full);
            return _stats;
        }
    }

    /// <summary>The kernel's own counters for this socket: 0 or -errno.</summary>
    internal int ReadKernelStatistics(out xdp_statistics stats) => _socket.ReadStatistics(out stats);

    /// <summary>The steering this queue owns (and detaches on Dispose), or null when the control module shares one among queues.</summary>
    internal XdpSteering? OwnedSteering => _ownedSteering;

    /// <summary>Chunks in the free pool (for tests).</summary>
    internal int FreeFrames => _pool.Count;

    public int RxBurst(Span<PacketBuffer> frames)
    {
        XskRing rx = _socket.Rx;
        uint n = rx.Peek((uint)frames.Length, out uint index);
        long bytes = 0;
        for (uint i = 0; i < n; i++)
        {
            xdp_desc d = rx.DescriptorAt(index + i);
            _pool.Transfer(d.addr, Owner.Kernel, Owner.User);
            frames[(int)i] = new PacketBuffer(d.addr, (int)d.len);
            bytes += d.len;
        }
        if (n > 0) rx.Release(n);
        _lentToRx -= (int)n;
        _stats.RxFrames += n;
        _stats.RxBytes += bytes;
        return (int)n;
    }

    public int Allocate(Span<PacketBuffer> frames)
    {
        if (_pool.Count < frames.Length) ReapCompletions();
        int n = 0;
        while (n < frames.Length && _pool.TryTake(Owner.User, out ulong chunk))
            frames[n++] = new PacketBuffer(chunk + (ulong)_dataOffset, 0);
        _stats.TxRingFull += frames.Length - n;
        return n;
    }

    public int TxBurst(ReadOnlySpan<PacketBuffer> frames)
    {
        foreach (PacketBuffer f in frames) CheckOwned(f, checkLength: true);
        XskRing tx = _socket.Tx;
        uint n = tx.Reserve((uint)frames.Length, out uint index);
        long bytes = 0;
        for (uint i = 0; i < n; i++)
        {
            PacketBuffer f = frames[(int)i];
            _pool.Transfer(f.Handle, Owner.User, Owner.Kernel);
            ref xdp_desc d = ref tx.DescriptorAt(index + i);
            d.addr = f.Handle;
            d.len = (uint)f.Length;
            d.options = 0;
            bytes += f.Length;
        }
        if (n > 0)
        {
            tx.Submit(n);
            _txQueued = true;
        }
        _stats.TxFrames += n;
        _stats.TxBytes += bytes;
        _stats.TxRingFull += frames.Length - (int)n;
        return (int)n;
    }

    public void Release(ReadOnlySpan<PacketBuffer> frames)
    {
        foreach (PacketBuffer f in frames) CheckOwned(f, checkLength: false);
        foreach (PacketBuffer f in frames) _pool.Return(f.Handle, Owner.User);
    }

    public void Flush()
    {
        if (_txQueued)
        {
            // Copy mode sends during the kick, at most TxKernelBatch frames, and answers EAGAIN while more wait: a
            // burst larger than that (a SYN flood's cookies, a wide window of data) is kicked until the ring drains,
            // or it would wait for the next flush, which may be a whole idle wait away. Completions are reaped in
            // between so that a full completion ring does not stop the kernel. ENOBUFS/EBUSY (kernel busy, retry next
            // flush) and ENETDOWN (link down) are not fatal: the frames stay in the ring.
            int kicks = (int)(_socket.Tx.Size / TxKernelBatch) + 2;
            while (_socket.Tx.NeedsWakeup && kicks-- > 0)
            {
                int rc = XskNativeMethods.KickTx(_socket.Fd);
                _stats.Wakeups++;
                if (rc != -XdpConstants.EAGAIN || _socket.Tx.InFlight == 0) break;
                ReapCompletions();
            }
            _txQueued = _socket.Tx.InFlight > 0;
        }
        ReapCompletions();
        Refill();
    }

    public Span<byte> Data(PacketBuffer frame)
    {
        CheckOwned(frame, checkLength: false);
        int offset = (int)(frame.Handle - _pool.ChunkOf(frame.Handle));
        return _umem.Slice(frame.Handle, Math.Min(FrameCapacity, _umem.ChunkSize - offset));
    }

    /// <summary>Completed transmissions back into the pool.</summary>
    private void ReapCompletions()
    {
        XskRing comp = _socket.Completion;
        uint n = comp.Peek(comp.Size, out uint index);
        for (uint i = 0; i < n; i++) _pool.Return(comp.AddressAt(index + i), Owner.Kernel);
        if (n > 0) comp.Release(n);
    }

    /// <summary>
    /// Lends free chunks to the kernel through the fill ring, up to the fill ring's size and at most half
    /// the pool (the other half stays for TX and for frames the caller holds).
    /// </summary>
    private void Refill()
    {
        XskRing fill = _socket.Fill;
        int target = Math.Min((int)fill.Size, _pool.Capacity / 2);
        int want = Math.Min(target - _lentToRx, _pool.Count);
        if (want > 0)
        {
            uint n = fill.Reserve((uint)want, out uint index);
            for (uint i = 0; i < n; i++)
            {
                _pool.TryTake(Owner.Kernel, out ulong chunk);
                fill.AddressAt(index + i) = chunk;
            }
            if (n > 0) fill.Submit(n);
            _lentToRx += (int)n;
        }
        if (_lentToRx == 0) _stats.RxFillEmpty++;
        if (fill.NeedsWakeup)
        {
            XskNativeMethods.KickRx(_socket.Fd);
            _stats.Wakeups++;
        }
    }

    private void CheckOwned(PacketBuffer f, bool checkLength)
    {
        if (!_pool.Contains(f.Handle) || _pool.OwnerOf(f.Handle) != Owner.User)
            throw new InvalidOperationException($"buffer 0x{f.Handle:x} is not held by the caller of {Name}");
        int offset = (int)(f.Handle - _pool.ChunkOf(f.Handle));
        if (checkLength && (f.Length < 0 || offset + f.Length > _umem.ChunkSize || f.Length > FrameCapacity))
            throw new ArgumentOutOfRangeException(nameof(f), $"frame length {f.Length} does not fit its buffer (capacity {FrameCapacity})");
    }

    /// <summary>Detaches the program (when this queue owns it), unmaps the rings, closes the socket, unmaps the UMEM.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ownedSteering?.Dispose();
        _socket.Dispose();
        _umem.Dispose();
    }
}
