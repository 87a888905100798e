using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Simulated;
using static Arrakis.IoBypass.Tests.Nic.NicTestFrames;

namespace Arrakis.IoBypass.Tests.Nic;

public sealed class SimulatedVfTests
{
    [Fact]
    public void A_frame_sent_on_one_end_arrives_at_the_other_with_its_bytes()
    {
        var (a, b) = SimulatedVf.CreatePair();
        var arp = ArpRequest();
        Span<PacketBuffer> one = stackalloc PacketBuffer[1];
        Assert.Equal(1, a.Allocate(one));
        arp.CopyTo(a.Data(one[0]));
        Assert.Equal(1, a.TxBurst([one[0].WithLength(arp.Length)]));
        a.Flush();
        Assert.Equal(1, b.RxBurst(one));
        Assert.Equal(arp.Length, one[0].Length);
        Assert.Equal(arp, b.Data(one[0])[..one[0].Length].ToArray());
        b.Release(one);
        Assert.Equal(0, b.RxBurst(one));
        Assert.Equal((1, 42L, 1, 42L), (a.Stats.TxFrames, a.Stats.TxBytes, b.Stats.RxFrames, b.Stats.RxBytes));
    }

    [Fact]
    public void Frames_go_both_ways_in_order()
    {
        var (a, b) = SimulatedVf.CreatePair(frames: 64);
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < 50; i++) SendNumbered(a, round * 100 + i);
            for (int i = 0; i < 50; i++) SendNumbered(b, -(round * 100 + i));
            Assert.Equal(Enumerable.Range(round * 100, 50), ReceiveNumbers(b));
            Assert.Equal(Enumerable.Range(round * 100, 50).Select(x => -x), ReceiveNumbers(a));
        }
    }

    [Fact]
    public void A_receive_side_out_of_buffers_drops_and_counts_as_a_nic_with_an_empty_fill_ring()
    {
        var (a, b) = SimulatedVf.CreatePair(frames: 4);
        for (int i = 0; i < 10; i++) SendNumbered(a, i);
        Assert.Equal([0, 1, 2, 3], ReceiveNumbers(b));
        Assert.Equal(6, b.Stats.RxFillEmpty);
        SendNumbered(a, 10); // buffers came back with Release
        Assert.Equal([10], ReceiveNumbers(b));
    }

    [Fact]
    public void The_pool_gives_every_buffer_once_and_takes_them_back()
    {
        var (a, _) = SimulatedVf.CreatePair(frames: 8);
        var frames = new PacketBuffer[16];
        Assert.Equal(8, a.Allocate(frames));
        Assert.Equal(8, frames.Take(8).Select(f => f.Handle).Distinct().Count());
        Assert.Equal(0, a.Allocate(frames.AsSpan(8)));
        a.Release(frames.AsSpan(0, 8));
        Assert.Equal(8, a.Allocate(frames));
    }

    [Fact]
    public void Releasing_a_buffer_twice_is_a_bug_and_throws()
    {
        var (a, _) = SimulatedVf.CreatePair(frames: 2);
        var frames = new PacketBuffer[1];
        a.Allocate(frames);
        a.Release(frames);
        Assert.Throws<ArgumentException>(() => a.Release(frames));
    }
}
