using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Seeded random segments and application calls: nothing throws, the invariants hold, and a
/// socket with nothing to send never asks to be polled at once (no busy loop).</summary>
public sealed class FuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Random_segments_never_throw_and_keep_the_invariants(int seed)
    {
        var random = new Random(seed);
        var config = Config(c => c with { ReceiveBufferSize = 4096, SendBufferSize = 4096, ReassemblyRanges = 3, MaxSegmentLifetime = TcpConfig.Second, KeepaliveIdle = seed % 2 == 0 ? 5 * TcpConfig.Second : null });
        var s = new TcpSocket(config);
        var buffer = new byte[2048];
        var payload = new byte[2048];
        uint peerSeq = (uint)random.Next(), lastSeqSeen = 0;
        long now = 0;
        var seen = new HashSet<TcpState>();
        for (int step = 0; step < 20_000; step++)
        {
            if (s.State == TcpState.Closed) StartOver(s, random, now);
            now += random.Next(4) == 0 ? random.NextInt64(0, 3 * TcpConfig.Second) : 0;
            switch (random.Next(10))
            {
                case 0: s.Send(payload.AsSpan(0, random.Next(3000) % payload.Length)); break;
                case 1: s.Receive(buffer.AsSpan(0, random.Next(buffer.Length))); break;
                case 2 when random.Next(20) == 0: s.Close(); break;
                case 3 when random.Next(200) == 0: s.Abort(); break;
                default:
                    var seg = RandomSegment(random, peerSeq, lastSeqSeen);
                    if ((seg.Flags & TcpFlags.Syn) != 0 && random.Next(2) == 0) peerSeq = seg.SequenceNumber;
                    var status = s.Process(now, ClientIp, ServerIp, seg, payload.AsSpan(0, seg.PayloadLength));
                    Assert.True(Enum.IsDefined(status));
                    if (status == TcpInput.Accepted && seg.PayloadLength > 0) peerSeq = seg.SequenceNumber + (uint)seg.PayloadLength;
                    break;
            }
            Assert.Null(s.InvariantViolation());
            for (int i = 0; i < 1000 && s.TryDispatch(now, buffer, out var repr); i++)
            {
                Assert.True(repr.PayloadLength <= buffer.Length);
                if ((repr.Flags & TcpFlags.Rst) == 0) lastSeqSeen = repr.SequenceNumber + (uint)repr.PayloadLength;
                if ((repr.Flags & TcpFlags.Ack) != 0 && random.Next(3) > 0) peerSeq = repr.AcknowledgmentNumber;
            }
            Assert.Null(s.InvariantViolation());
            seen.Add(s.State);
            Assert.True(s.PollAt(now) > now || s.State == TcpState.Closed, $"busy loop in {s.State} at step {step}");
        }
        Assert.Contains(TcpState.Established, seen); // the generator gets past the handshake
    }

    private static void StartOver(TcpSocket s, Random random, long now)
    {
        if (random.Next(2) == 0) s.Listen(new TcpEndpoint(ServerIp, ServerPort));
        else s.Connect(Server, Client, now);
    }

    [ThreadStatic] private static uint _tsVal;

    private static TcpRepr RandomSegment(Random random, uint peerSeq, uint lastSeqSeen)
    {
        var flags = (TcpFlags)random.Next(256);
        if (random.Next(3) > 0) flags = (flags & ~(TcpFlags.Rst | TcpFlags.Syn | TcpFlags.Fin)) | TcpFlags.Ack;
        uint seq = random.Next(4) switch { 0 => (uint)random.Next(), 1 => peerSeq + (uint)random.Next(-3000, 3000), _ => peerSeq };
        uint ack = random.Next(4) switch { 0 => (uint)random.Next(), 1 => lastSeqSeen + (uint)random.Next(-3000, 100), _ => lastSeqSeen };
        _tsVal += (uint)random.Next(3);
        var options = random.Next(6) switch
        {
            0 => default,
            1 => LinuxSynOptions with { WindowScale = (byte)random.Next(15), MaxSegmentSize = (ushort)random.Next(65536) },
            2 => new TcpOptions { Timestamp = new TcpTimestamp((uint)random.Next(), (uint)random.Next()), SackBlocks = TcpSackBlocks.Of(new TcpSackBlock((uint)random.Next(), (uint)random.Next())) },
            _ => new TcpOptions { Timestamp = new TcpTimestamp(_tsVal, 0) },
        };
        return Seg(seq, ack, flags, (ushort)random.Next(65536), random.Next(4) == 0 ? 0 : random.Next(2048), options);
    }
}
