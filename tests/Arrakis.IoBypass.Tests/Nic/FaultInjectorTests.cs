using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Middleware;
using Arrakis.IoBypass.Nic.Simulated;
using static Arrakis.IoBypass.Tests.Nic.NicTestFrames;

namespace Arrakis.IoBypass.Tests.Nic;

public sealed class FaultInjectorTests
{
    private long _now;

    private (FaultInjector A, INicQueue B) Pair(FaultOptions options, int frames = 1024)
    {
        var (a, b) = SimulatedVf.CreatePair(frames);
        return (new FaultInjector(a, options, () => _now), b);
    }

    private static List<int> Run(FaultInjector a, INicQueue b, int count)
    {
        var got = new List<int>();
        for (int i = 0; i < count; i++)
        {
            SendNumbered(a, i);
            if (i % 64 == 63)
            {
                a.Flush();
                got.AddRange(ReceiveNumbers(b));
            }
        }
        a.Flush();
        got.AddRange(ReceiveNumbers(b));
        return got;
    }

    [Fact]
    public void The_same_seed_gives_the_same_faults()
    {
        var options = new FaultOptions { Seed = 42, Drop = 0.1, Duplicate = 0.1, Reorder = 0.1 };
        var (a1, b1) = Pair(options);
        var (a2, b2) = Pair(options);
        var first = Run(a1, b1, 2000);
        Assert.Equal(first, Run(a2, b2, 2000));
        var (a3, b3) = Pair(options with { Seed = 43 });
        Assert.NotEqual(first, Run(a3, b3, 2000));
    }

    [Fact]
    public void Drops_lose_about_their_share_and_nothing_else()
    {
        var (a, b) = Pair(new FaultOptions { Drop = 0.3 });
        var got = Run(a, b, 10_000);
        Assert.InRange(a.Dropped, 2700, 3300);
        Assert.Equal(10_000 - a.Dropped, got.Count);
        Assert.Equal(got.Order(), got); // dropping keeps the order
        Assert.Equal(got.Count, got.Distinct().Count());
    }

    [Fact]
    public void Duplicates_arrive_twice()
    {
        var (a, b) = Pair(new FaultOptions { Duplicate = 0.2 });
        var got = Run(a, b, 5000);
        Assert.InRange(a.Duplicated, 800, 1200);
        Assert.Equal(5000 + a.Duplicated, got.Count);
        Assert.Equal(Enumerable.Range(0, 5000), got.Distinct().Order());
    }

    [Fact]
    public void Reordering_keeps_every_frame_but_not_their_order()
    {
        var (a, b) = Pair(new FaultOptions { Reorder = 0.2 });
        var got = Run(a, b, 5000);
        Assert.True(a.Reordered > 500, $"reordered {a.Reordered}");
        Assert.Equal(Enumerable.Range(0, 5000), got.Order());
        Assert.NotEqual(Enumerable.Range(0, 5000), got);
    }

    [Fact]
    public void Corruption_flips_one_bit_of_one_byte()
    {
        var (a, b) = Pair(new FaultOptions { Corrupt = 1.0, Seed = 7 });
        var frames = new PacketBuffer[1];
        var arp = ArpRequest();
        for (int i = 0; i < 200; i++)
        {
            a.Allocate(frames);
            arp.CopyTo(a.Data(frames[0]));
            a.TxBurst([frames[0].WithLength(arp.Length)]);
            Assert.Equal(1, b.RxBurst(frames));
            var got = b.Data(frames[0])[..arp.Length].ToArray();
            int bitsDiffering = arp.Zip(got, (x, y) => System.Numerics.BitOperations.PopCount((uint)(x ^ y))).Sum();
            Assert.Equal(1, bitsDiffering);
            b.Release(frames);
        }
        Assert.Equal(200, a.Corrupted);
    }

    [Fact]
    public void A_delayed_frame_goes_out_only_once_its_time_has_come()
    {
        var (a, b) = Pair(new FaultOptions { Delay = 1.0, MaxDelayMicroseconds = 5_000 });
        SendNumbered(a, 1);
        a.Flush();
        Assert.Empty(ReceiveNumbers(b));
        _now += 5_001;
        a.Flush();
        Assert.Equal([1], ReceiveNumbers(b));
        Assert.Equal(1, a.Delayed);
    }

    [Fact]
    public void Faults_on_the_receive_side_apply_to_what_arrives()
    {
        var (a, b) = SimulatedVf.CreatePair(1024);
        var rx = new FaultInjector(b, new FaultOptions { OnTransmit = false, OnReceive = true, Drop = 0.5, Reorder = 0.2 }, () => _now);
        for (int i = 0; i < 1000; i++) SendNumbered(a, i);
        var got = new List<int>();
        for (int k = 0; k < 10; k++) got.AddRange(ReceiveNumbers(rx)); // held frames come on later bursts
        Assert.InRange(rx.Dropped, 400, 600);
        Assert.Equal(1000 - rx.Dropped, got.Count);
        Assert.True(rx.Reordered > 0);
        Assert.NotEqual(got.Order(), got);
    }

    [Fact]
    public void Disposing_gives_held_frames_back_to_the_pool()
    {
        var (a, b) = SimulatedVf.CreatePair(frames: 8);
        var f = new FaultInjector(a, new FaultOptions { Delay = 1.0 }, () => _now);
        for (int i = 0; i < 8; i++) SendNumbered(f, i);
        var frames = new PacketBuffer[8];
        Assert.Equal(0, a.Allocate(frames)); // all eight are held
        f.Dispose();
        Assert.Equal(8, a.Allocate(frames));
    }
}
