using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>
/// Two sockets back to back through an in-memory link with a fixed delay, seeded drop, duplication,
/// reordering (extra delay) and bit flips, driven by a manual clock: no threads. Every segment is emitted to bytes and
/// parsed back, so the wire formats are exercised too.
/// </summary>
internal sealed class LossyLink
{
    private readonly Random _random;
    private readonly List<(long Due, long Order, bool ToB, byte[] Bytes)> _inFlight = [];
    private readonly byte[] _payload = new byte[65536];
    private long _order;

    private long _busyUntilB, _busyUntilA;

    /// <summary>Probability that one bit of a segment is flipped on the way.</summary>
    public double Corrupt { get; init; }

    /// <summary>Segments the receiver's checksum rejected.</summary>
    public long Corrupted { get; private set; }

    /// <summary>Bits per second of each direction; 0 = infinite (a whole flight then arrives in one burst).</summary>
    public long BitsPerSecond { get; init; }

    public LossyLink(int seed, double drop, double duplicate, double reorder, long delay)
    {
        _random = new Random(seed);
        Drop = drop;
        Duplicate = duplicate;
        Reorder = reorder;
        Delay = delay;
    }

    public double Drop { get; set; }
    public double Duplicate { get; }
    public double Reorder { get; }
    public long Delay { get; }
    public ManualClock Clock { get; } = new();
    public long Delivered { get; private set; }
    public long Dropped { get; private set; }

    /// <summary>Moves both sockets: dispatches everything, then jumps the clock to the next event and delivers.</summary>
    public void Step(TcpSocket a, TcpSocket b)
    {
        long now = Clock.NowMicroseconds;
        Transmit(a, toB: true, now);
        Transmit(b, toB: false, now);
        long next = Math.Min(a.PollAt(now), b.PollAt(now));
        foreach (var p in _inFlight) next = Math.Min(next, p.Due);
        if (next == TcpSocket.Never) next = now + IdleTick; // time still passes for the applications
        Clock.NowMicroseconds = Math.Max(now, next);
        now = Clock.NowMicroseconds;
        _inFlight.Sort((x, y) => x.Due != y.Due ? x.Due.CompareTo(y.Due) : x.Order.CompareTo(y.Order));
        while (_inFlight.Count > 0 && _inFlight[0].Due <= now)
        {
            var p = _inFlight[0];
            _inFlight.RemoveAt(0);
            var target = p.ToB ? b : a;
            var source = p.ToB ? a : b;
            var parsed = TcpRepr.TryParse(p.Bytes, source.Local.Address, target.Local.Address, out var repr);
            if (parsed != WireStatus.Ok)
            {
                Assert.True(Corrupt > 0, $"an uncorrupted segment failed to parse: {parsed}");
                Corrupted++; // the checksum caught it (RFC 9293 §3.1): dropped like a loss
                continue;
            }
            var status = target.Process(now, source.Local.Address, target.Local.Address, repr, p.Bytes.AsSpan(repr.HeaderLength));
            Delivered++;
            _ = status;
        }
    }

    /// <summary>How far the clock moves when neither socket nor the link has anything scheduled.</summary>
    public long IdleTick { get; init; } = 10 * TcpConfig.Millisecond;

    public bool Idle => _inFlight.Count == 0;

    private void Transmit(TcpSocket s, bool toB, long now)
    {
        while (s.TryDispatch(now, _payload, out var repr))
        {
            var bytes = new byte[repr.BufferLength];
            var (src, dst) = (s.Local.Address, s.Remote.Address);
            repr.Emit(bytes, src, dst, _payload.AsSpan(0, repr.PayloadLength));
            if (_random.NextDouble() < Drop)
            {
                Dropped++;
                continue;
            }
            if (_random.NextDouble() < Corrupt) bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
            Enqueue(now, toB, bytes);
            if (_random.NextDouble() < Duplicate) Enqueue(now, toB, bytes);
        }
    }

    private void Enqueue(long now, bool toB, byte[] bytes)
    {
        long extra = _random.NextDouble() < Reorder ? _random.NextInt64(1, 3 * Delay + 1) : 0;
        long sent = now;
        if (BitsPerSecond > 0)
        {
            // serialization: one frame after another at the link rate (IPv4 + Ethernet overhead ignored)
            ref long busy = ref toB ? ref _busyUntilB : ref _busyUntilA;
            busy = Math.Max(busy, now) + bytes.Length * 8L * 1_000_000 / BitsPerSecond;
            sent = busy;
        }
        _inFlight.Add((sent + Delay + extra, _order++, toB, bytes));
    }
}
