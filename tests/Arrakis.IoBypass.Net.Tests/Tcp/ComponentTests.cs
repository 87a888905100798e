using Arrakis.IoBypass.Net.Tcp;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>The socket's parts on their own: ring, reassembly ranges, RTT estimator, NewReno, ISN, reset helper.</summary>
public sealed class ComponentTests
{
    [Fact]
    public void Ring_wraps_and_clips_to_capacity()
    {
        var ring = new ByteRing(8);
        Assert.Equal(6, ring.Enqueue([1, 2, 3, 4, 5, 6]));
        var out4 = new byte[4];
        Assert.Equal(4, ring.Dequeue(out4));
        Assert.Equal(6, ring.Enqueue([7, 8, 9, 10, 11, 12, 13]));
        Assert.Equal(8, ring.Length);
        var all = new byte[10];
        Assert.Equal(8, ring.Dequeue(all));
        Assert.Equal(new byte[] { 5, 6, 7, 8, 9, 10, 11, 12 }, all[..8]);
    }

    [Fact]
    public void Ring_keeps_bytes_written_past_the_tail_until_committed()
    {
        var ring = new ByteRing(8);
        ring.Enqueue([1]);
        ring.Dequeue(new byte[1]);
        Assert.Equal(2, ring.WriteUnallocated(2, [30, 40]));
        Assert.Equal(2, ring.WriteUnallocated(0, [10, 20]));
        ring.CommitUnallocated(4);
        var dst = new byte[4];
        Assert.Equal(4, ring.Peek(0, dst));
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, dst);
        Assert.Equal(0, ring.WriteUnallocated(4, [1])); // past the free space: clipped to nothing
        Assert.Equal(0, ring.WriteUnallocated(-1, [1]));
    }

    [Fact]
    public void A_socket_holds_no_ring_storage_until_bytes_pass_and_its_rings_are_pinned()
    {
        // A SYN flood's half-open connections never carry data: their 64 KiB rings, made at the SYN, were
        // garbage a young collection had to copy (13.6 ms). Now a ring's storage comes with its first byte.
        var config = new TcpConfig();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sockets = new TcpSocket[16];
        for (int i = 0; i < sockets.Length; i++) sockets[i] = new TcpSocket(config);
        long perSocket = (GC.GetAllocatedBytesForCurrentThread() - before) / sockets.Length;
        Assert.True(perSocket < 8 * 1024, $"a socket without data allocated {perSocket} bytes");

        var ring = new ByteRing(64 * 1024);
        Assert.False(ring.Allocated);
        Assert.Equal(0, ring.Enqueue([]));
        Assert.Equal(0, ring.Peek(0, new byte[4]));
        Assert.False(ring.Allocated);
        Assert.Equal(3, ring.Enqueue([1, 2, 3]));
        Assert.True(ring.Allocated);
        var dst = new byte[3];
        Assert.Equal(3, ring.Dequeue(dst));
        Assert.Equal(new byte[] { 1, 2, 3 }, dst);
    }

    [Fact]
    public void Reassembly_merges_overlapping_and_adjacent_ranges()
    {
        var r = new Reassembly(4);
        Assert.True(r.Add(10, 5));
        Assert.True(r.Add(20, 5));
        Assert.True(r.Add(15, 5)); // bridges both
        Assert.Equal(1, r.Count);
        Assert.Equal((10, 25), r[0]);
        Assert.Equal(0, r.TakeFront());
        r.Shift(10);
        Assert.Equal(15, r.TakeFront());
        Assert.True(r.IsEmpty);
    }

    [Fact]
    public void Reassembly_refuses_a_range_past_its_capacity()
    {
        var r = new Reassembly(2);
        Assert.True(r.Add(10, 1));
        Assert.True(r.Add(20, 1));
        Assert.False(r.Add(30, 1));
        Assert.True(r.Add(11, 1)); // merging still works when full
        Assert.Equal(2, r.Count);
    }

    [Fact]
    public void Rtt_first_sample_sets_srtt_and_half_rttvar_rfc6298_2_2()
    {
        var e = new RttEstimator(TcpConfig.Second, 100, 60 * TcpConfig.Second, 1000);
        Assert.Equal(TcpConfig.Second, e.Rto); // §2.1
        e.Sample(100_000);
        Assert.Equal(100_000, e.Srtt);
        Assert.Equal(50_000, e.RttVar);
        Assert.Equal(300_000, e.Rto); // SRTT + 4 * RTTVAR
        e.Sample(100_000);
        Assert.Equal(100_000, e.Srtt);
        Assert.Equal(37_500, e.RttVar); // 3/4 * 50 ms
    }

    [Fact]
    public void Rto_is_floored_at_the_minimum_and_backoff_doubles_up_to_the_maximum()
    {
        var e = new RttEstimator(TcpConfig.Second, TcpConfig.Second, 4 * TcpConfig.Second, 1000);
        e.Sample(1000);
        Assert.Equal(TcpConfig.Second, e.Rto); // §2.4
        e.Backoff();
        Assert.Equal(2 * TcpConfig.Second, e.Rto); // §5.5
        e.Backoff();
        e.Backoff();
        Assert.Equal(4 * TcpConfig.Second, e.Rto); // §2.5 ceiling
    }

    [Fact]
    public void NewReno_third_duplicate_ack_enters_fast_recovery_rfc5681_3_2()
    {
        var cc = new NewReno();
        cc.Reset(1000, new SeqNumber(0));
        Assert.Equal(4000, cc.Cwnd); // RFC 5681 §3.1 equation 1: SMSS <= 1095 gives 4 * SMSS
        var ack = new SeqNumber(5000);
        Assert.False(cc.OnDuplicateAck(ack, new SeqNumber(15000), 10_000));
        Assert.False(cc.OnDuplicateAck(ack, new SeqNumber(15000), 10_000));
        Assert.True(cc.OnDuplicateAck(ack, new SeqNumber(15000), 10_000));
        Assert.True(cc.InRecovery);
        Assert.Equal(5000, cc.Ssthresh);
        Assert.Equal(8000, cc.Cwnd);
        Assert.True(cc.OnNewAck(new SeqNumber(8000), 3000, 7000));  // partial: retransmit next hole (RFC 6582 §3.2 step 5)
        Assert.False(cc.OnNewAck(new SeqNumber(15000), 7000, 0)); // full: leave recovery
        Assert.False(cc.InRecovery);
        Assert.Equal(2000, cc.Cwnd); // min(ssthresh, max(flight, SMSS) + SMSS)
    }

    [Fact]
    public void Isn_is_deterministic_for_a_seed_and_differs_per_four_tuple_and_time_rfc6528()
    {
        byte[] key = [9, 9, 9];
        var a = IsnGenerator.Generate(key, TcpScript.Server, TcpScript.Client, 0);
        Assert.Equal(a, IsnGenerator.Generate(key, TcpScript.Server, TcpScript.Client, 0));
        Assert.NotEqual(a, IsnGenerator.Generate(key, TcpScript.Server, TcpScript.Client with { Port = 40001 }, 0));
        Assert.NotEqual(a, IsnGenerator.Generate([9, 9, 8], TcpScript.Server, TcpScript.Client, 0));
        Assert.Equal(a + 250_000, IsnGenerator.Generate(key, TcpScript.Server, TcpScript.Client, TcpConfig.Second)); // 4 us ticks
    }
}
