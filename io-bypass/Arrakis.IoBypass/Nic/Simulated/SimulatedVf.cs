namespace Arrakis.IoBypass.Nic.Simulated;

/// <summary>
/// Two NIC queues wired back to back in one process, as a VF's queue and its peer on the wire: a frame
/// transmitted on one end is copied into a buffer of the other end's pool and received there (each end
/// owns its pool, as two hosts do). Delivery is immediate and in order; a full receive side drops the
/// frame and counts it (<see cref="NicQueueStats.RxFillEmpty"/>), as a NIC with an empty fill ring does.
/// Wrap an end in <see cref="Middleware.FaultInjector"/> or <see cref="Middleware.PcapWriter"/> for
/// loss, reordering and captures. Both ends belong to one thread (tests drive them in turn).
/// </summary>
public static class SimulatedVf
{
    /// <summary>A connected pair; each end has <paramref name="frames"/> buffers of <paramref name="frameCapacity"/> bytes.</summary>
    public static (INicQueue A, INicQueue B) CreatePair(int frames = 256, int frameCapacity = 2048)
    {
        var a = new End("simulated-vf a", frames, frameCapacity);
        var b = new End("simulated-vf b", frames, frameCapacity);
        a.Peer = b;
        b.Peer = a;
        return (a, b);
    }

    private sealed class End(string name, int frames, int frameCapacity) : INicQueue
    {
        private readonly FramePool _pool = new(frames, frameCapacity);
        private readonly Queue<PacketBuffer> _rx = new(frames);

        public End? Peer { get; set; }
        public string Name { get; } = name;
        public int FrameCapacity => _pool.FrameCapacity;
        public int WaitFd => -1;
        public NicQueueStats Stats { get; } = new();

        public int RxBurst(Span<PacketBuffer> frames)
        {
            int n = 0;
            while (n < frames.Length && _rx.TryDequeue(out var f))
            {
                frames[n++] = f;
                Stats.RxFrames++;
                Stats.RxBytes += f.Length;
            }
            return n;
        }

        public int Allocate(Span<PacketBuffer> frames)
        {
            int n = 0;
            while (n < frames.Length && _pool.TryTake(out ulong h)) frames[n++] = new PacketBuffer(h, 0);
            return n;
        }

        public int TxBurst(ReadOnlySpan<PacketBuffer> frames)
        {
            foreach (var f in frames)
            {
                if ((uint)f.Length > (uint)FrameCapacity) throw new ArgumentException($"frame length {f.Length} outside 0..{FrameCapacity}");
                var bytes = _pool.Data(f.Handle)[..f.Length];
                Stats.TxFrames++;
                Stats.TxBytes += f.Length;
                Peer!.Deliver(bytes);
                _pool.Give(f.Handle); // sent: the wire has its own copy
            }
            return frames.Length;
        }

        public void Release(ReadOnlySpan<PacketBuffer> frames)
        {
            foreach (var f in frames) _pool.Give(f.Handle);
        }

        public void Flush()
        {
        }

        public Span<byte> Data(PacketBuffer frame) => _pool.Data(frame.Handle);

        private void Deliver(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > FrameCapacity || !_pool.TryTake(out ulong h))
            {
                Stats.RxFillEmpty++;
                return;
            }
            bytes.CopyTo(_pool.Data(h));
            _rx.Enqueue(new PacketBuffer(h, bytes.Length));
        }

        public void Dispose()
        {
        }
    }
}
