using Arrakis.IoBypass.Net.Tcp;
using Xunit.Abstractions;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>A seeded sweep over loss rates on the in-memory link: every transfer completes byte-exact;
/// the simulated goodput per loss rate goes to the test output (a report, not an assertion).</summary>
public sealed class GoodputSweepTests(ITestOutputHelper output)
{
    [Fact]
    public void Transfers_complete_at_every_loss_rate_and_goodput_is_reported()
    {
        const int size = 512 * 1024;
        var data = new byte[size];
        new Random(42).NextBytes(data);
        foreach (double loss in new[] { -1, 0.0, 0.01, 0.02, 0.05, 0.10 })
        {
            var config = TcpScript.Config(c => c with { MinRto = 200 * TcpConfig.Millisecond, MaxRetransmissions = 40 });
            var a = new TcpSocket(config);
            var b = new TcpSocket(config);
            bool clean = loss < 0; // a clean link first: no loss, no duplication, no reordering
            var link = clean
                ? new LossyLink(seed: 7, 0, duplicate: 0, reorder: 0, delay: 5 * TcpConfig.Millisecond) { BitsPerSecond = 100_000_000 }
                : new LossyLink(seed: 7, loss, duplicate: 0.01, reorder: 0.02, delay: 5 * TcpConfig.Millisecond) { BitsPerSecond = 100_000_000 };
            b.Listen(TcpScript.Server);
            a.Connect(TcpScript.Client, TcpScript.Server, 0);
            int sent = 0, received = 0;
            var sink = new byte[16384];
            var got = new byte[size];
            for (int step = 0; step < 1_000_000 && received < size; step++)
            {
                if (sent < size) sent += a.Send(data.AsSpan(sent));
                int n;
                while ((n = b.Receive(sink)) > 0)
                {
                    sink.AsSpan(0, n).CopyTo(got.AsSpan(received));
                    received += n;
                }
                link.Step(a, b);
            }
            Assert.Equal(size, received);
            Assert.True(data.AsSpan().SequenceEqual(got));
            double seconds = link.Clock.NowMicroseconds / 1e6;
            output.WriteLine($"{(clean ? "clean link" : $"loss {loss:P0} (+1% dup, 2% reorder)")}: {size / 1024} KiB in {seconds:F2} s simulated, {size * 8 / seconds / 1e6:F1} Mbit/s, {a.Retransmissions} retransmissions ({a.Timeouts} timeouts, {a.FastRetransmits} fast), 100 Mbit/s, RTT 10 ms, 64 KiB window");
        }
    }
}
