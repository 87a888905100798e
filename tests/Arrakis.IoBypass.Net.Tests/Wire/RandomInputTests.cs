using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Wire;

/// <summary>Seeded random input through every parser: nothing may throw, whatever the bytes.</summary>
public sealed class RandomInputTests
{
    private static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    private static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);

    [Fact]
    public void EveryParser_200kRandomBuffers_NeverThrows()
    {
        var random = new Random(20261127);
        var buffer = new byte[160];
        for (int i = 0; i < 200_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            var bytes = buffer.AsSpan(0, length);
            random.NextBytes(bytes);
            // Half the time make the leading nibbles plausible so the walk gets past version / data offset checks.
            if (length > 0 && (i & 1) == 0) bytes[0] = (byte)(0x40 | (bytes[0] & 0x0F));
            if (length > 12 && (i & 2) == 0) bytes[12] = (byte)((random.Next(5, 16) << 4) | (bytes[12] & 0x0F));
            Dissector.EveryParser(bytes, ClientIp, ServerIp);
        }
    }

    [Fact]
    public void Frame_100kMutatedKnownFramesWithRepairedChecksums_NeverThrowsAndReachesEveryLayer()
    {
        // Flipping bytes of real frames and then fixing their checksums drives the walk past the
        // checksum checks into option parsing and the semantic checks behind them.
        var random = new Random(793);
        byte[][] seeds = [KnownPackets.TcpSynFrame, KnownPackets.IcmpEchoRequestFrame, KnownPackets.ArpRequestFrame,
            [.. KnownPackets.TcpSynFrame[..34], .. KnownPackets.TcpDataSegment]];
        FixIpv4(seeds[3]);
        var seen = new HashSet<(string, WireStatus)>();
        for (int i = 0; i < 100_000; i++)
        {
            var frame = (byte[])seeds[i % seeds.Length].Clone();
            int flips = random.Next(1, 5);
            for (int f = 0; f < flips; f++) frame[random.Next(frame.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) frame = frame[..random.Next(frame.Length + 1)];
            RepairChecksums(frame);
            seen.Add(Dissector.Frame(frame) switch { var r => (r.Layer, r.Status) });
        }
        Assert.Contains(("tcp", WireStatus.Ok), seen);
        Assert.Contains(("tcp", WireStatus.BadOption), seen);
        Assert.Contains(("icmp", WireStatus.Ok), seen);
        Assert.Contains(("arp", WireStatus.Ok), seen);
        Assert.Contains(("arp", WireStatus.Unsupported), seen);
        Assert.Contains(("ipv4", WireStatus.Truncated), seen);
    }

    [Fact]
    public void TcpOptionCodec_AllTwoAndThreeByteLists_NeverThrow()
    {
        Span<byte> list = stackalloc byte[3];
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                list[0] = (byte)a;
                list[1] = (byte)b;
                TcpOptionCodec.TryParse(list[..2], out _);
                for (int c = 0; c < 256; c += 17)
                {
                    list[2] = (byte)c;
                    TcpOptionCodec.TryParse(list, out _);
                }
            }
        }
    }

    /// <summary>Recomputes the IPv4, ICMP and TCP checksums wherever the views accept the bytes.</summary>
    private static void RepairChecksums(byte[] frame)
    {
        if (EthernetFrame.TryNew(frame, out var eth) != WireStatus.Ok || eth.EtherType != (ushort)EtherType.Ipv4) return;
        if (Ipv4Packet.TryNew(eth.Payload, out var ip) != WireStatus.Ok) return;
        ip.FillChecksum();
        if (ip.Protocol == (byte)IpProtocol.Tcp && TcpSegment.TryNew(ip.Payload, out var tcp) == WireStatus.Ok) tcp.FillChecksum(ip.Source, ip.Destination);
        if (ip.Protocol == (byte)IpProtocol.Icmp && IcmpV4Packet.TryNew(ip.Payload, out var icmp) == WireStatus.Ok) icmp.FillChecksum();
    }

    private static void FixIpv4(byte[] frame)
    {
        var ip = Ipv4Packet.NewUnchecked(frame.AsSpan(14));
        ip.TotalLength = (ushort)(frame.Length - 14);
        ip.FillChecksum();
    }
}
