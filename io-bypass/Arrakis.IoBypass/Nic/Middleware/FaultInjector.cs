namespace Arrakis.IoBypass.Nic.Middleware;

/// <summary>
/// Wraps a NIC queue and drops, duplicates, reorders, corrupts and delays frames (smoltcp's
/// FaultInjector, plus reordering and delay), deterministically for a seed, on transmit and/or receive.
/// Held frames (reordered, delayed) are buffers of the inner queue that the injector owns until it
/// passes them on; they go out once due, on the next TxBurst, RxBurst or Flush. Counts what it did.
/// </summary>
/// <remarks>One owning thread, as every <see cref="INicQueue"/>. The clock is injected (microseconds).</remarks>
public sealed class FaultInjector : NicQueueMiddleware
{
    private readonly FaultOptions _options;
    private readonly Func<long> _nowMicroseconds;
    private readonly Random _random;
    private readonly List<(PacketBuffer Frame, long DueAt)> _heldTx = new(), _heldRx = new();
    private readonly List<PacketBuffer> _reorderedTx = new();
    private readonly PacketBuffer[] _one = new PacketBuffer[1];
    private readonly List<PacketBuffer> _out = new(2);

    public FaultInjector(INicQueue inner, FaultOptions options, Func<long> nowMicroseconds)
        : base(inner)
    {
        _options = options;
        _nowMicroseconds = nowMicroseconds;
        _random = new Random(options.Seed);
    }

    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }
    public long Corrupted { get; private set; }
    public long Delayed { get; private set; }

    public override string Name => $"fault-injector({Inner.Name})";

    public override int TxBurst(ReadOnlySpan<PacketBuffer> frames)
    {
        if (!_options.OnTransmit) return Inner.TxBurst(frames);
        long now = _nowMicroseconds();
        foreach (var f in frames)
        {
            int behind = _reorderedTx.Count; // held back before this frame: they go right after it
            var passed = Apply(f, now, _heldTx, _reorderedTx);
            foreach (var g in passed) Send(g);
            if (passed.Count > 0) SendReordered(behind);
        }
        SendDue(now);
        return frames.Length;
    }

    public override int RxBurst(Span<PacketBuffer> frames)
    {
        if (!_options.OnReceive) return Inner.RxBurst(frames);
        long now = _nowMicroseconds();
        int n = 0;
        // Frames held earlier and now due come first, then what arrives.
        for (int i = 0; i < _heldRx.Count && n < frames.Length; i++)
        {
            if (_heldRx[i].DueAt > now) continue;
            frames[n++] = _heldRx[i].Frame;
            _heldRx.RemoveAt(i--);
        }
        while (n < frames.Length && Inner.RxBurst(_one) == 1)
        {
            foreach (var g in Apply(_one[0], now, _heldRx, null))
            {
                if (n < frames.Length) frames[n++] = g;
                else _heldRx.Add((g, now)); // no room: the next RxBurst takes it
            }
        }
        return n;
    }

    public override void Flush()
    {
        SendReordered(_reorderedTx.Count); // no frame came after them: they wait no longer
        SendDue(_nowMicroseconds());
        Inner.Flush();
    }

    /// <summary>The frames to pass on now in place of <paramref name="frame"/> (none when dropped or held).</summary>
    /// <remarks>On transmit a reordered frame goes to <paramref name="reordered"/> (sent after the next frame);
    /// on receive (<paramref name="reordered"/> null) it is held for the next RxBurst.</remarks>
    private List<PacketBuffer> Apply(PacketBuffer frame, long now, List<(PacketBuffer, long)> held, List<PacketBuffer>? reordered)
    {
        var result = _out;
        result.Clear();
        if (Roll(_options.Drop))
        {
            Dropped++;
            _one[0] = frame;
            Inner.Release(_one);
            return result;
        }
        if (frame.Length > 0 && Roll(_options.Corrupt))
        {
            Corrupted++;
            var bytes = Inner.Data(frame);
            bytes[_random.Next(frame.Length)] ^= (byte)(1 << _random.Next(8));
        }
        if (Roll(_options.Duplicate) && Inner.Allocate(_one) == 1)
        {
            Duplicated++;
            var copy = _one[0].WithLength(frame.Length);
            Inner.Data(frame)[..frame.Length].CopyTo(Inner.Data(copy));
            result.Add(copy);
        }
        if (Roll(_options.Delay))
        {
            Delayed++;
            held.Add((frame, now + 1 + (long)(_random.NextDouble() * _options.MaxDelayMicroseconds)));
            return result;
        }
        if (Roll(_options.Reorder))
        {
            Reordered++;
            if (reordered is not null) reordered.Add(frame);
            else held.Add((frame, now));
            return result;
        }
        result.Insert(0, frame);
        return result;
    }

    private bool Roll(double p) => p > 0 && _random.NextDouble() < p;

    private void Send(PacketBuffer frame)
    {
        _one[0] = frame;
        if (Inner.TxBurst(_one) == 0) Inner.Release(_one); // a full ring: the frame is lost, as on a wire
    }

    private void SendReordered(int count)
    {
        for (int i = 0; i < count; i++) Send(_reorderedTx[i]);
        _reorderedTx.RemoveRange(0, count);
    }

    private void SendDue(long now)
    {
        for (int i = 0; i < _heldTx.Count; i++)
        {
            if (_heldTx[i].DueAt > now) continue;
            var f = _heldTx[i].Frame;
            _heldTx.RemoveAt(i--);
            Send(f);
        }
    }

    public override void Dispose()
    {
        foreach (var f in _reorderedTx)
        {
            _one[0] = f;
            Inner.Release(_one);
        }
        foreach (var (f, _) in _heldTx)
        {
            _one[0] = f;
            Inner.Release(_one);
        }
        foreach (var (f, _) in _heldRx)
        {
            _one[0] = f;
            Inner.Release(_one);
        }
        _heldTx.Clear();
        _reorderedTx.Clear();
        _heldRx.Clear();
        base.Dispose();
    }
}
