using System.Diagnostics;
using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Middleware;
using Arrakis.IoBypass.Nic.Simulated;
using static Arrakis.IoBypass.Net.Tests.Iface.Frames;

namespace Arrakis.IoBypass.Net.Tests.Iface;

/// <summary>
/// Two interfaces on the two ends of a simulated VF: an ARP exchange, pings, and TCP frames each way,
/// captured with the pcap middleware and read back by tcpdump with checksum verification (an
/// independent decoder of everything our wire layer emitted).
/// </summary>
public sealed class TwoInterfacesOverSimulatedVfTests
{
    private readonly NetInterface _peer = new(new InterfaceConfig(PeerMac, Peer, Dedicated: true));
    private readonly NetInterface _us = new(new InterfaceConfig(OurMac, Us, Dedicated: true));

    /// <summary>Everything waiting on <paramref name="q"/> through <paramref name="iface"/>: answers go back out; TCP segments are returned.</summary>
    private static List<(TcpIngress Tcp, byte[] Payload)> Service(INicQueue q, NetInterface iface)
    {
        var delivered = new List<(TcpIngress, byte[])>();
        var frames = new PacketBuffer[16];
        int n;
        while ((n = q.RxBurst(frames)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                var data = q.Data(frames[i]);
                switch (iface.Receive(data, frames[i].Length, 0, out var tcp, out int reply))
                {
                    case RxAction.Transmit:
                        Assert.Equal(1, q.TxBurst([frames[i].WithLength(reply)]));
                        continue;
                    case RxAction.DeliverTcp:
                        delivered.Add((tcp, data.Slice(tcp.PayloadOffset, tcp.PayloadLength).ToArray()));
                        break;
                }
                q.Release([frames[i]]);
            }
            q.Flush();
        }
        return delivered;
    }

    private static void Send(INicQueue q, Func<Span<byte>, int> build)
    {
        var frames = new PacketBuffer[1];
        Assert.Equal(1, q.Allocate(frames));
        int length = build(q.Data(frames[0]));
        Assert.True(length > 0);
        Assert.Equal(1, q.TxBurst([frames[0].WithLength(length)]));
        q.Flush();
    }

    [Fact]
    public void Arp_ping_and_tcp_cross_the_link_and_tcpdump_verifies_every_checksum()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arrakis-iface-{Guid.NewGuid():N}.pcap");
        try
        {
            var (a, b) = SimulatedVf.CreatePair();
            long clock = 1_764_000_000_000_000;
            using (var pcap = new PcapWriter(a, File.Create(path), unixMicroseconds: () => clock += 100))
            {
                // The peer resolves us, then pings, then opens a connection; we answer the SYN with a SYN-ACK.
                Send(pcap, buffer => _peer.EmitArpRequest(buffer, Us));
                Assert.Empty(Service(b, _us));
                Assert.Empty(Service(pcap, _peer));
                Assert.True(_peer.Neighbors.TryLookup(Us, 0, out var ourMac));
                Assert.Equal(OurMac, ourMac);

                Send(pcap, buffer =>
                {
                    var echo = EchoRequest(7, 1, "arrakis"u8);
                    new EthernetRepr(OurMac, PeerMac, EtherType.Ipv4).Emit(buffer);
                    new Ipv4Repr { Source = Peer, Destination = Us, Protocol = IpProtocol.Icmp, PayloadLength = echo.Length, TimeToLive = 64 }.Emit(buffer[14..]);
                    echo.CopyTo(buffer[34..]);
                    return 34 + echo.Length;
                });
                Assert.Empty(Service(b, _us)); // answered in place
                Assert.Empty(Service(pcap, _peer)); // the reply: ICMP echo reply, not TCP
                Assert.Equal(1, _us.Counters.EchoRequestsAnswered);

                var syn = new TcpRepr { SourcePort = 40000, DestinationPort = 6379, SequenceNumber = 100, Flags = TcpFlags.Syn, Window = 64240, Options = new TcpOptions { MaxSegmentSize = 1460, SackPermitted = true } };
                Send(pcap, buffer => _peer.EmitTcp(buffer, syn, Us, default, 0));
                var got = Service(b, _us);
                Assert.Single(got);
                Assert.Equal(syn, got[0].Tcp.Repr);
                var synAck = new TcpRepr { SourcePort = 6379, DestinationPort = 40000, SequenceNumber = 5000, AcknowledgmentNumber = 101, Flags = TcpFlags.Syn | TcpFlags.Ack, Window = 65535, Options = new TcpOptions { MaxSegmentSize = 1460 } };
                Send(b, buffer => _us.EmitTcp(buffer, synAck, Peer, default, 0));
                var back = Service(pcap, _peer);
                Assert.Single(back);
                Assert.Equal(synAck, back[0].Tcp.Repr);

                var data = new TcpRepr { SourcePort = 40000, DestinationPort = 6379, SequenceNumber = 101, AcknowledgmentNumber = 5001, Flags = TcpFlags.Ack | TcpFlags.Psh, Window = 64240, PayloadLength = 14 };
                Send(pcap, buffer => _peer.EmitTcp(buffer, data, Us, "*1\r\n$4\r\nPING\r\n"u8, 0));
                got = Service(b, _us);
                Assert.Equal("*1\r\n$4\r\nPING\r\n"u8.ToArray(), got.Single().Payload);
            }
            var lines = Tcpdump(path);
            string all = string.Join("\n", lines);
            Assert.True(lines.Length == 7, all);
            Assert.Contains("Request who-has 198.18.0.2 tell 198.18.0.1", lines[0]);
            Assert.Contains("Reply 198.18.0.2 is-at 02:00:00:00:00:02", lines[1]);
            Assert.Contains("198.18.0.1 > 198.18.0.2: ICMP echo request, id 7, seq 1", lines[2]);
            Assert.Contains("198.18.0.2 > 198.18.0.1: ICMP echo reply, id 7, seq 1", lines[3]);
            Assert.Contains("198.18.0.1.40000 > 198.18.0.2.6379: Flags [S]", lines[4]);
            Assert.Contains("198.18.0.2.6379 > 198.18.0.1.40000: Flags [S.]", lines[5]);
            Assert.Contains("Flags [P.]", lines[6]);
            Assert.All(lines, l => Assert.DoesNotContain("incorrect", l)); // tcpdump -vv: "bad cksum" / "cksum ... (incorrect"
            Assert.All(lines, l => Assert.DoesNotContain("bad cksum", l)); // IPv4 header (tcpdump -v)
            Assert.All(lines, l => Assert.DoesNotContain("wrong icmp cksum", l));
            Assert.All(lines.Skip(4), l => Assert.Contains("(correct)", l)); // TCP: tcpdump checked the pseudo-header checksum
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] Tcpdump(string path)
    {
        string? tool = new[] { "/usr/bin/tcpdump", "/usr/sbin/tcpdump" }.FirstOrDefault(File.Exists);
        Assert.True(tool is not null, "tcpdump is missing: tests/run.sh installs it (Debian package tcpdump)");
        var psi = new ProcessStartInfo(tool!, ["-nn", "-vv", "-r", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        // -vv prints a packet over several lines: the continuation lines start with whitespace.
        var packets = new List<string>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (char.IsWhiteSpace(line[0]) && packets.Count > 0) packets[^1] += " " + line.Trim();
            else packets.Add(line);
        }
        return packets.ToArray();
    }
}
