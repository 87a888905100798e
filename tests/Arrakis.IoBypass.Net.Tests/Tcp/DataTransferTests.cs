using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Receiving and sending data: RFC 9293 §3.8.6, §3.10.7.4; RFC 5681 §4.2; RFC 1122 4.2.3.2; RFC 2018 §4.</summary>
public sealed class DataTransferTests
{
    private static readonly uint Isn = 0xFFFF_FF00; // the client's sequence numbers wrap during these tests
    private const long Ms = TcpConfig.Millisecond;

    private static byte[] Bytes(int n, byte start = 0) => Enumerable.Range(start, n).Select(i => (byte)i).ToArray();

    [Fact]
    public void In_order_data_is_delivered_and_the_ack_is_delayed()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 100), Bytes(100));
        Assert.Empty(s.Drain(0));                        // RFC 1122 4.2.3.2: the ACK may wait
        Assert.Equal(200 * Ms, s.PollAt(0));             // ... at most the delayed-ACK timeout (<= 500 ms)
        var buf = new byte[200];
        Assert.Equal(100, s.Receive(buf));
        Assert.Equal(Bytes(100), buf[..100]);
        var ack = s.One(200 * Ms);
        Assert.Equal(Isn + 101, ack.AcknowledgmentNumber);
    }

    [Fact]
    public void Every_second_segment_is_acknowledged_at_once()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 536), Bytes(536));
        s.Feed(0, Seg(Isn + 537, next, TcpFlags.Ack, payload: 536), Bytes(536));
        var ack = s.One(0); // RFC 1122 4.2.3.2: "an ACK SHOULD be generated for at least every second full-sized segment"
        Assert.Equal(Isn + 1073, ack.AcknowledgmentNumber);
    }

    [Fact]
    public void Ack_is_piggybacked_on_outgoing_data()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 10), Bytes(10));
        s.Send([42]);
        var seg = s.One(1 * Ms);
        Assert.Equal(1, seg.PayloadLength);
        Assert.Equal(Isn + 11, seg.AcknowledgmentNumber);
        Assert.Empty(s.Drain(100 * Ms)); // nothing owed any more (the RTO, 200 ms here, is later)
    }

    [Fact]
    public void Out_of_order_segment_is_held_and_acked_at_once_with_a_sack_block_then_the_gap_fill_delivers_all()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, new TcpOptions { SackPermitted = true });
        var data = Bytes(300);
        s.Feed(0, Seg(Isn + 201, next, TcpFlags.Ack, payload: 100), data[200..]);
        var dup = s.One(0); // RFC 5681 §4.2: immediate duplicate ACK
        Assert.Equal(Isn + 1, dup.AcknowledgmentNumber);
        Assert.Equal(1, dup.Options.SackBlocks.Count); // RFC 2018 §4
        Assert.Equal(new TcpSackBlock(Isn + 201, Isn + 301), dup.Options.SackBlocks[0]);
        Assert.Equal(0, s.ReceiveQueueLength);
        s.Feed(0, Seg(Isn + 101, next, TcpFlags.Ack, payload: 100), data[100..200]);
        s.Drain(0);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 100), data[..100]);
        var ack = s.One(0); // filling the gap is acknowledged at once
        Assert.Equal(Isn + 301, ack.AcknowledgmentNumber);
        Assert.Equal(0, ack.Options.SackBlocks.Count);
        var buf = new byte[400];
        Assert.Equal(300, s.Receive(buf));
        Assert.Equal(data, buf[..300]);
    }

    [Fact]
    public void The_first_sack_block_holds_the_latest_out_of_order_segment_rfc2018_4()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, new TcpOptions { SackPermitted = true });
        s.Feed(0, Seg(Isn + 101, next, TcpFlags.Ack, payload: 10), Bytes(10));
        s.Drain(0);
        s.Feed(0, Seg(Isn + 301, next, TcpFlags.Ack, payload: 10), Bytes(10));
        var blocks = s.One(0).Options.SackBlocks;
        Assert.Equal(2, blocks.Count);
        Assert.Equal(new TcpSackBlock(Isn + 301, Isn + 311), blocks[0]);
        Assert.Equal(new TcpSackBlock(Isn + 101, Isn + 111), blocks[1]);
    }

    [Fact]
    public void The_ack_delay_is_capped_at_500_ms_whatever_the_config_says()
    {
        var s = new TcpSocket(Config(c => c with { DelayedAckTimeout = 5 * TcpConfig.Second }));
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 1), [1]);
        Assert.Equal(500 * Ms, s.PollAt(0)); // RFC 9293 §3.8.6.3 MUST-40
    }

    [Fact]
    public void Acks_sent_while_a_window_probe_is_outstanding_stay_acceptable_to_a_peer_with_a_zero_window()
    {
        var s = new TcpSocket(Config(c => c with { InitialRto = TcpConfig.Second, MinRto = TcpConfig.Second }));
        uint next = Establish(s, Isn, window: 0);
        s.Send(new byte[10]);
        s.Drain(0);
        Assert.Equal(1, s.One(TcpConfig.Second).PayloadLength); // the probe
        s.Feed(TcpConfig.Second, Seg(Isn + 1, next, TcpFlags.Ack, window: 0, payload: 5), new byte[5]);
        var ack = s.One(TcpConfig.Second + 200 * Ms);
        Assert.Equal(next, ack.SequenceNumber); // not past the probe byte: RFC 9293 §3.10.7.4 case 0, 0 needs SEG.SEQ = RCV.NXT
        Assert.Equal(Isn + 6, ack.AcknowledgmentNumber);
    }

    [Fact]
    public void Overlapping_retransmission_delivers_only_the_new_bytes()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        var data = Bytes(150);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 100), data[..100]);
        s.Feed(0, Seg(Isn + 51, next, TcpFlags.Ack, payload: 100), data[50..150]);
        var buf = new byte[400];
        Assert.Equal(150, s.Receive(buf));
        Assert.Equal(data, buf[..150]);
    }

    [Theory]
    [InlineData(0u, 0, true)]      // RFC 9293 §3.10.7.4 case 0, >0: SEG.SEQ = RCV.NXT
    [InlineData(10u, 0, true)]     // inside the window
    [InlineData(0xFFFF_FFFFu, 0, false)] // just before RCV.NXT
    [InlineData(1000u, 0, true)]   // at RCV.NXT + RCV.WND: a pure ACK at the right edge (Linux's tcp_sequence; see IsAcceptable)
    [InlineData(1001u, 0, false)]  // past the right edge
    [InlineData(0xFFFF_FFF0u, 20, true)]  // case >0, >0: the end falls in the window
    [InlineData(0xFFFF_FFF0u, 16, false)] // entirely old
    [InlineData(999u, 5, true)]    // the start is the last byte of the window
    public void Acceptance_test_follows_the_four_cases(uint offset, int length, bool acceptable)
    {
        var s = new TcpSocket(Config(c => c with { ReceiveBufferSize = 1000, WindowScaling = false }));
        uint next = Establish(s, Isn);
        var status = s.Feed(0, Seg(Isn + 1 + offset, next, TcpFlags.Ack, payload: length), Bytes(length));
        Assert.Equal(acceptable ? TcpInput.Accepted : TcpInput.Dropped, status);
        if (!acceptable) Assert.Equal(Isn + 1, s.One(0).AcknowledgmentNumber); // "send an acknowledgment in reply"
    }

    /// <summary>Linux's tcp_acceptable_seq: with the peer's window full of our data, a pure ACK goes at the window's
    /// right edge, not at SND.MAX past it, where a peer whose window closed would refuse it with its ACK field.</summary>
    [Fact]
    public void A_pure_ack_goes_at_the_right_edge_of_the_peers_window_not_past_it()
    {
        var s = new TcpSocket(Config(c => c with { WindowScaling = false, MinRto = TcpConfig.Second })); // no retransmission at 200 ms
        uint next = Establish(s, Isn, new TcpOptions { MaxSegmentSize = 1460 }, window: 3000); // initial cwnd 4380 (RFC 5681 §3.1)
        Assert.Equal(3000, s.Send(Bytes(3000)));
        var sent = s.Drain(0);
        Assert.Equal(3000, sent.Sum(x => x.Repr.PayloadLength)); // SND.MAX = next + 3000, the window's right edge
        // The peer took the first 1000 bytes, and its window closed (nothing read): the right edge stays at next + 3000.
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(Isn + 1, next + 1000, TcpFlags.Ack, window: 2000)));
        // Its data arrives; our ACK for it goes at the right edge, which is SND.MAX here.
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(Isn + 1, next + 1000, TcpFlags.Ack, window: 2000, payload: 10)));
        Assert.Equal(next + 3000, s.One(200 * Ms).SequenceNumber);
        // Now the peer says its window is 0 at ACK next + 1000 (the bytes after were lost): its right edge is next + 1000,
        // so that is where our ACK goes (SND.MAX = next + 3000 would be outside its closed window).
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(Isn + 11, next + 1000, TcpFlags.Ack, window: 0, payload: 10)));
        var ack = s.Drain(200 * Ms).Single(x => x.Repr.PayloadLength == 0).Repr;
        Assert.Equal(next + 1000, ack.SequenceNumber);
        Assert.Equal(Isn + 21, ack.AcknowledgmentNumber);
    }

    [Fact]
    public void A_full_receive_buffer_advertises_a_zero_window_and_refuses_data_until_read()
    {
        var s = new TcpSocket(Config(c => c with { ReceiveBufferSize = 1000, WindowScaling = false }));
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 1000), Bytes(1000, 0));
        var ack = s.One(200 * Ms);
        Assert.Equal(0, ack.Window);
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 1001, next, TcpFlags.Ack, payload: 1), [7])); // case >0, 0
        Assert.Equal(Isn + 1001, s.One(0).AcknowledgmentNumber);
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(Isn + 1001, next, TcpFlags.Ack)));                // case 0, 0
        Assert.Equal(600, s.Receive(new byte[600]));
        var update = s.One(0); // RFC 9293 §3.8.6.2.2: the window opened by more than min(BUFF/2, MSS)
        Assert.Equal(600, update.Window);
    }

    [Fact]
    public void With_a_zero_receive_window_the_ack_field_of_refused_data_is_still_taken()
    {
        var s = new TcpSocket(Config(c => c with { ReceiveBufferSize = 1000, WindowScaling = false }));
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 1000), Bytes(1000, 0));
        s.Send(new byte[100]);
        s.Drain(0);
        Assert.Equal(100, s.SendQueueLength);
        Assert.Equal(TcpInput.Dropped, s.Feed(1 * Ms, Seg(Isn + 1001, next + 100, TcpFlags.Ack, payload: 10), new byte[10]));
        Assert.Equal(0, s.SendQueueLength); // RFC 9293 §3.10.7.4: "special allowance ... to accept valid ACKs"
        Assert.Equal(1000, s.ReceiveQueueLength);
    }

    [Fact]
    public void The_peers_window_is_scaled_and_limits_what_is_sent_rfc7323_2_3()
    {
        var s = new TcpSocket(Config(c => c with { SendBufferSize = 100_000 }));
        uint next = Establish(s, Isn, new TcpOptions { WindowScale = 4, MaxSegmentSize = 1000 }, window: 125);
        Assert.Equal(125 << 4, s.SendWindow);
        s.Send(new byte[5000]);
        var sent = s.Drain(0);
        Assert.Equal(2000, sent.Sum(x => x.Repr.PayloadLength)); // rwnd = 2000 < IW (RFC 5681 §3.1: 4000)
        Assert.All(sent, x => Assert.True(x.Repr.PayloadLength <= 1000)); // MSS
    }

    [Fact]
    public void A_small_usable_window_is_not_used_for_a_runt_segment_rfc9293_3_8_6_2_1()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, new TcpOptions { MaxSegmentSize = 1000 }, window: 1600);
        s.Send(new byte[5000]);
        Assert.Equal(1000, s.Drain(0).Sum(x => x.Repr.PayloadLength)); // 600 left: under SMSS and under max window / 2
    }

    [Fact]
    public void A_small_window_with_nothing_in_flight_is_used_when_the_override_timer_fires_rfc9293_3_8_6_2_1()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, new TcpOptions { MaxSegmentSize = 1000 }, window: 5000);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, window: 300)); // the window shrank to 300 (max seen 5000)
        s.Send(new byte[2000]);
        Assert.Empty(s.Drain(0));
        long at = s.PollAt(0);
        Assert.True(at > 0 && at < TcpSocket.Never, "no override timer");
        var forced = s.One(at);
        Assert.Equal(300, forced.PayloadLength);
    }

    [Fact]
    public void The_congestion_window_limits_the_first_flight_rfc5681_3_1()
    {
        var s = new TcpSocket(Config(c => c with { SendBufferSize = 100_000 }));
        uint next = Establish(s, Isn, new TcpOptions { MaxSegmentSize = 1000 });
        s.Send(new byte[50_000]);
        var sent = s.Drain(0);
        Assert.Equal(4000, sent.Sum(x => x.Repr.PayloadLength));
        Assert.Equal(next, sent[0].Repr.SequenceNumber);
        s.Feed(10 * Ms, Seg(Isn + 1, next + 2000, TcpFlags.Ack)); // slow start: +1 SMSS per ACK (min(acked, SMSS))
        Assert.Equal(5000, s.Congestion.Cwnd);
        Assert.Equal(3000, s.Drain(10 * Ms).Sum(x => x.Repr.PayloadLength));
    }

    [Fact]
    public void Zero_window_is_probed_with_one_byte_after_the_rto_and_the_probe_backs_off()
    {
        var s = new TcpSocket(Config(c => c with { InitialRto = TcpConfig.Second, MinRto = TcpConfig.Second }));
        uint next = Establish(s, Isn, window: 0);
        s.Send(new byte[100]);
        Assert.Empty(s.Drain(0)); // RFC 9293 §3.8.6.1: nothing may go into a zero window ...
        Assert.Equal(TcpConfig.Second, s.PollAt(0));
        var probe = s.One(TcpConfig.Second); // ... except a probe of one byte
        Assert.Equal(1, probe.PayloadLength);
        Assert.Equal(next, probe.SequenceNumber);
        s.Feed(TcpConfig.Second, Seg(Isn + 1, next, TcpFlags.Ack, window: 0)); // still closed, probe refused
        Assert.Equal(3 * TcpConfig.Second, s.PollAt(TcpConfig.Second));        // backed off
        Assert.Equal(1, s.One(3 * TcpConfig.Second).PayloadLength);
        for (int i = 0; i < 20; i++) s.Drain(TcpConfig.Second * 1000 * (i + 1)); // probing never gives up while unanswered...
        Assert.Equal(TcpState.Established, s.State);
        s.Feed(TcpConfig.Second * 30_000, Seg(Isn + 1, next + 1, TcpFlags.Ack, window: 1000)); // opened, probe byte taken
        var rest = s.Drain(TcpConfig.Second * 30_000);
        Assert.Equal(99, rest.Sum(x => x.Repr.PayloadLength));
        Assert.Equal(next + 1, rest[0].Repr.SequenceNumber);
    }
}
