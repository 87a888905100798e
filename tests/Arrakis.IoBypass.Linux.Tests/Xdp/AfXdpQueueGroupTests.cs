using System.Net.Sockets;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Tests.Netns;
using Arrakis.IoBypass.Linux.Xdp;
using Arrakis.IoBypass.Nic;
using Xunit.Abstractions;
using static Arrakis.IoBypass.Linux.Tests.Xdp.TestFrames;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>Several queues of one interface behind one steering program (one XSKMAP slot per queue), on a two-queue veth pair.</summary>
public sealed class AfXdpQueueGroupTests
{
    private readonly ITestOutputHelper _output;

    public AfXdpQueueGroupTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public void Group_OfTwoQueues_ReceivesOurSynsOnTheQueuesTheyLandOn_AndDisposeDetaches()
    {
        RootRequirement.Require("AF_XDP queues on a veth pair");
        using var veth = VethNamespace.Create(localHasAddress: true, queues: 2);
        ushort port = (ushort)Random.Shared.Next(20000, 30000);
        var options = new AfXdpQueueOptions { Interface = veth.Local, Address = veth.LocalAddress, Port = port, FrameCount = 256, RingSize = 64 };
        int rc = AfXdpQueueGroup.TryOpen(options, 2, out AfXdpQueueGroup? group, out string report);
        _output.WriteLine(report);
        Assert.True(rc == 0, report);
        using (group!)
        {
            Assert.Equal(2, group!.Queues.Count);
            Assert.Contains("queue 0", group.Queues[0].Name);
            Assert.Contains("queue 1", group.Queues[1].Name);
            Assert.Contains("prog/xdp", veth.LocalLinkDetails());

            // Several connections (different source ports, so different flow hashes): every SYN is ours.
            int syns = 0;
            var perQueue = new int[2];
            for (int attempt = 0; attempt < 4; attempt++)
            {
                var connect = Task.Run(() => NetnsThread.Run(veth.Namespace, () => Connect(veth, port)));
                var rx = new PacketBuffer[16];
                var deadline = DateTime.UtcNow.AddSeconds(5);
                while (!connect.IsCompleted && DateTime.UtcNow < deadline)
                {
                    for (int qi = 0; qi < 2; qi++)
                    {
                        INicQueue q = group.Queues[qi];
                        int n = q.RxBurst(rx);
                        for (int i = 0; i < n; i++)
                        {
                            if (Classify(q.Data(rx[i])[..rx[i].Length], veth.LocalAddress, out ushort dport) == Kind.TcpSyn && dport == port)
                            {
                                syns++;
                                perQueue[qi]++;
                            }
                        }
                        q.Release(rx.AsSpan(0, n));
                        q.Flush();
                    }
                    Thread.Sleep(1);
                }
                connect.Wait(TimeSpan.FromSeconds(5));
            }
            _output.WriteLine($"SYNs per queue: {perQueue[0]}, {perQueue[1]}");
            Assert.True(syns >= 4, $"{syns} SYNs seen");
        }
        Assert.DoesNotContain("prog/xdp", veth.LocalLinkDetails());
    }

    private static string Connect(VethNamespace veth, ushort port)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        return s.ConnectAsync(new System.Net.IPEndPoint(veth.LocalAddress, port)).Wait(300) ? "connected" : "timeout";
    }
}
