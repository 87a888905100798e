using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>The data path does not allocate: Process, TryDispatch, Send, Receive and PollAt in steady state.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Steady_state_transfer_between_two_sockets_allocates_nothing()
    {
        var config = TcpScript.Config(c => c with { SackPermitted = true });
        var a = new TcpSocket(config);
        var b = new TcpSocket(config);
        b.Listen(TcpScript.Server);
        a.Connect(TcpScript.Client, TcpScript.Server, 0);
        var data = new byte[4096];
        var sink = new byte[8192];
        var wire = new byte[2048];
        long now = 0;
        long received = 0;
        Run(200); // warm up: handshake, JIT, tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(2000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(TcpState.Established, a.State);
        Assert.Equal(0, allocated);
        Assert.True(received > 10_000_000, $"only {received} bytes moved");

        void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                now += 100;
                a.Send(data);
                b.Send(data);
                Pump(a, b, now, wire);
                Pump(b, a, now, wire);
                received += a.Receive(sink);
                received += b.Receive(sink);
                _ = a.PollAt(now) + b.PollAt(now);
            }
        }
    }

    private static void Pump(TcpSocket from, TcpSocket to, long now, byte[] wire)
    {
        while (from.TryDispatch(now, wire, out var repr))
        {
            to.Process(now, from.Local.Address, to.Local.Address, repr, wire.AsSpan(0, repr.PayloadLength));
        }
    }
}
