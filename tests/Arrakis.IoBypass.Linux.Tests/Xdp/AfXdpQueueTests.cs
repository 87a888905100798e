using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Net;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Tests.Netns;
using Arrakis.IoBypass.Linux.Xdp;
using Arrakis.IoBypass.Nic;
using Xunit.Abstractions;
using static Arrakis.IoBypass.Linux.Tests.Xdp.TestFrames;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>
/// The AF_XDP queue on a real veth pair (root namespace end = ours, peer in a fresh namespace = the
/// kernel client): what the steering program redirects arrives through RxBurst, what we transmit reaches
/// the peer's kernel, what is not ours still reaches our kernel and never us, and Dispose detaches.
/// </summary>
public sealed class AfXdpQueueTests
{
    private readonly ITestOutputHelper _output;

    public AfXdpQueueTests(ITestOutputHelper output) => _output = output;

    private static ushort RandomPort() => (ushort)Random.Shared.Next(20000, 30000);

    private static AfXdpQueueOptions Options(VethNamespace veth, ushort port, bool dedicated) => new()
    {
        Interface = veth.Local,
        Address = veth.LocalAddress,
        Port = port,
        Dedicated = dedicated,
        FrameCount = 512,
        RingSize = 256,
    };

    [SkippableFact]
    public void SharedMode_SynToOurPortArrives_OtherPortAndArpStayWithTheKernel_DisposeDetaches()
    {
        RootRequirement.Require("an AF_XDP queue on a veth pair");
        using var veth = VethNamespace.Create(localHasAddress: true);
        ushort port = RandomPort();
        int rc = AfXdpNicQueue.TryOpen(Options(veth, port, dedicated: false), out INicQueue? queue, out string report);
        _output.WriteLine(report);
        Assert.True(rc == 0, report);
        using (queue!)
        {
            Assert.Contains("prog/xdp", veth.LocalLinkDetails());
            var seen = new List<(Kind Kind, ushort Port)>();

            // The kernel of the peer connects to our port: ARP is answered by our kernel (shared mode),
            // the SYN is steered to us (and nobody answers it, so the connect times out).
            // The peer's TX offloads are off, so its SYN carries a full checksum (not CHECKSUM_PARTIAL).
            var ours = Task.Run(() => NetnsThread.Run(veth.Namespace, () => Connect(veth.LocalAddress, port, 1500)));
            var badChecksums = new List<string>();
            Pump(queue!, veth, ours, seen, answer: false, badChecksums);
            Assert.Equal("timeout", ours.Result);
            Assert.Contains(seen, s => s.Kind == Kind.TcpSyn && s.Port == port);
            Assert.Empty(badChecksums);

            // Another port: passed to our kernel, which refuses it (RST): proof it got there, and never us.
            seen.Clear();
            ushort other = (ushort)(port + 1);
            var theirs = Task.Run(() => NetnsThread.Run(veth.Namespace, () => Connect(veth.LocalAddress, other, 3000)));
            Pump(queue!, veth, theirs, seen, answer: false);
            Assert.Equal(nameof(SocketError.ConnectionRefused), theirs.Result);
            Assert.DoesNotContain(seen, s => s.Port == other);
            Assert.DoesNotContain(seen, s => s.Kind == Kind.ArpRequest);
            NicQueueStats stats = queue!.Stats;
            Assert.True(stats.RxFrames >= 1 && stats.RxBytes >= 54, $"rx {stats.RxFrames} frames {stats.RxBytes} B");
        }
        Assert.DoesNotContain("prog/xdp", veth.LocalLinkDetails());
    }

    [SkippableFact]
    public void DedicatedMode_PeerPingsUs_WeAnswerArpAndEchoFromUserSpace()
    {
        RootRequirement.Require("an AF_XDP queue on a veth pair");
        using var veth = VethNamespace.Create(localHasAddress: false);
        ushort port = RandomPort();
        int rc = AfXdpNicQueue.TryOpen(Options(veth, port, dedicated: true), out INicQueue? queue, out string report);
        _output.WriteLine(report);
        Assert.True(rc == 0, report);
        using (queue!)
        {
            var seen = new List<(Kind Kind, ushort Port)>();
            var ping = Task.Run(() => NetnsThread.Run(veth.Namespace, () =>
            {
                using var p = new Ping();
                return p.Send(veth.LocalAddress, 4000).Status.ToString();
            }));
            Pump(queue!, veth, ping, seen, answer: true);
            Assert.Equal(nameof(IPStatus.Success), ping.Result);
            Assert.Contains(seen, s => s.Kind == Kind.ArpRequest);
            Assert.Contains(seen, s => s.Kind == Kind.IcmpEchoRequest);
            Assert.True(queue!.Stats.TxFrames >= 2);

            // The peer's kernel learned our MAC from the ARP reply we transmitted.
            string neigh = veth.InNs("ip", "neigh", "show", veth.LocalAddress.ToString());
            string mac = string.Join(':', veth.LocalMac.Select(b => b.ToString("x2")));
            Assert.Contains(mac, neigh);

            // And TCP to our port comes to us as well (the peer resolved us through our own ARP reply).
            seen.Clear();
            var connect = Task.Run(() => NetnsThread.Run(veth.Namespace, () => Connect(veth.LocalAddress, port, 1000)));
            Pump(queue!, veth, connect, seen, answer: false);
            Assert.Contains(seen, s => s.Kind == Kind.TcpSyn && s.Port == port);
        }
    }

    [SkippableFact]
    public void Buffers_AllocateReleaseAndMisuse()
    {
        RootRequirement.Require("an AF_XDP queue on a veth pair");
        using var veth = VethNamespace.Create(localHasAddress: true);
        int rc = AfXdpNicQueue.TryOpen(Options(veth, RandomPort(), dedicated: false), out INicQueue? queue, out string report);
        Assert.True(rc == 0, report);
        using (queue!)
        {
            var q = (AfXdpQueue)queue!;
            int free = q.FreeFrames;
            Assert.Equal(512 / 2, free); // half the pool is lent to the fill ring
            Assert.Equal(4096 - XdpConstants.XDP_PACKET_HEADROOM, q.FrameCapacity);
            var frames = new PacketBuffer[4];
            Assert.Equal(4, q.Allocate(frames));
            Assert.Equal(free - 4, q.FreeFrames);
            Assert.Equal(q.FrameCapacity, q.Data(frames[0]).Length);
            Assert.Throws<ArgumentOutOfRangeException>(() => q.TxBurst(new[] { frames[0].WithLength(q.FrameCapacity + 1) }));
            q.Release(frames);
            Assert.Equal(free, q.FreeFrames);
            Assert.Throws<InvalidOperationException>(() => q.Release(frames.AsSpan(0, 1)));
            Assert.Throws<InvalidOperationException>(() => q.Data(new PacketBuffer(1UL << 40, 0)));

            // A frame we build and send comes back through the completion ring into the pool.
            Assert.Equal(1, q.Allocate(frames.AsSpan(0, 1)));
            Span<byte> data = q.Data(frames[0]);
            data[..64].Clear();
            data[..6].Fill(0xff);             // broadcast
            veth.LocalMac.CopyTo(data[6..]);
            data[12] = 0x88; data[13] = 0xb5; // local experimental EtherType
            Assert.Equal(1, q.TxBurst(new[] { frames[0].WithLength(60) }));
            for (int i = 0; i < 100 && q.FreeFrames != free; i++)
            {
                q.Flush();
                Thread.Sleep(1);
            }
            Assert.Equal(free, q.FreeFrames);
            Assert.Equal(1, q.Stats.TxFrames);
        }
    }

    [SkippableFact]
    public void TxBurst_BeyondTheRing_TakesWhatFits_AndReopeningTheQueueWorks()
    {
        RootRequirement.Require("an AF_XDP queue on a veth pair");
        using var veth = VethNamespace.Create(localHasAddress: true);
        var options = Options(veth, RandomPort(), dedicated: false) with { FrameCount = 256, RingSize = 64 };
        for (int round = 0; round < 2; round++) // the second open follows a close at once (bind may answer EBUSY for a while)
        {
            int rc = AfXdpNicQueue.TryOpen(options, out INicQueue? queue, out string report);
            Assert.True(rc == 0, $"round {round}: {report}");
            using var q = (AfXdpQueue)queue!;
            int free = q.FreeFrames;
            var frames = new PacketBuffer[100];
            Assert.Equal(100, q.Allocate(frames));
            for (int i = 0; i < frames.Length; i++)
            {
                Span<byte> d = q.Data(frames[i]);
                d[..60].Clear();
                d[..6].Fill(0xff);
                veth.LocalMac.CopyTo(d[6..]);
                d[12] = 0x88; d[13] = 0xb5;
                frames[i] = frames[i].WithLength(60);
            }
            int taken = q.TxBurst(frames);
            Assert.Equal(64, taken); // the TX ring's size
            Assert.Equal(36, q.Stats.TxRingFull);
            q.Release(frames.AsSpan(taken));
            for (int i = 0; i < 200 && q.FreeFrames != free; i++)
            {
                q.Flush();
                Thread.Sleep(1);
            }
            Assert.Equal(free, q.FreeFrames);
            Assert.True(q.Stats.Wakeups >= 1); // copy mode: the TX ring asks for a sendto kick
        }
    }

    /// <summary>Polls the queue until <paramref name="done"/> completes (at most 8 s): classifies every frame, answers ARP and echo in place when asked, releases the rest.</summary>
    private void Pump(INicQueue q, VethNamespace veth, Task done, List<(Kind, ushort)> seen, bool answer) => Pump(q, veth, done, seen, answer, badChecksums: null);

    private void Pump(INicQueue q, VethNamespace veth, Task done, List<(Kind, ushort)> seen, bool answer, List<string>? badChecksums)
    {
        var rx = new PacketBuffer[32];
        var tx = new List<PacketBuffer>();
        var deadline = DateTime.UtcNow.AddSeconds(8);
        while (!done.IsCompleted && DateTime.UtcNow < deadline)
        {
            int n = q.RxBurst(rx);
            tx.Clear();
            for (int i = 0; i < n; i++)
            {
                Span<byte> f = q.Data(rx[i])[..rx[i].Length];
                Kind kind = Classify(f, veth.LocalAddress, out ushort dport);
                seen.Add((kind, dport));
                _output.WriteLine($"rx {rx[i].Length} B: {kind} {dport}");
                if (badChecksums is not null && kind is Kind.TcpSyn or Kind.Tcp && !TcpChecksumValid(f)) badChecksums.Add($"{kind} to {dport}");
                if (answer && kind == Kind.ArpRequest) tx.Add(rx[i].WithLength(AnswerArp(q.Data(rx[i]), veth.LocalMac, veth.LocalAddress)));
                else if (answer && kind == Kind.IcmpEchoRequest) tx.Add(rx[i].WithLength(AnswerEcho(q.Data(rx[i]), rx[i].Length)));
                else q.Release(rx.AsSpan(i, 1));
            }
            int sent = q.TxBurst(tx.ToArray());
            Assert.Equal(tx.Count, sent);
            q.Flush();
            if (n == 0) WaitReadable(q.WaitFd, 10);
        }
        done.Wait(TimeSpan.FromSeconds(5));
    }

    private static unsafe void WaitReadable(int fd, int ms)
    {
        kernel_pollfd p = default;
        p.fd = fd;
        p.events = (short)XdpConstants.POLLIN;
        NativeMethods.Poll(&p, 1, ms);
    }

    /// <summary>Connects from the calling thread's namespace: "connected", "timeout" or the socket error's name.</summary>
    private static string Connect(IPAddress ip, ushort port, int timeoutMs)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            return s.ConnectAsync(new IPEndPoint(ip, port)).Wait(timeoutMs) ? "connected" : "timeout";
        }
        catch (AggregateException e) when (e.InnerException is SocketException se)
        {
            return se.SocketErrorCode.ToString();
        }
    }
}
