using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>RFC 6298 (RTO, Karn, backoff), RFC 5681 §3.2 and RFC 6582 (fast retransmit, NewReno).</summary>
public sealed class RetransmissionTests
{
    private const uint Isn = 1000;
    private const long Ms = TcpConfig.Millisecond;

    private static (TcpSocket S, uint Next) Connected(Func<TcpConfig, TcpConfig>? change = null)
    {
        var s = new TcpSocket(Config(change));
        uint next = Establish(s, Isn, new TcpOptions { MaxSegmentSize = 1000 });
        return (s, next);
    }

    [Fact]
    public void Unacknowledged_data_is_retransmitted_after_the_rto_and_the_rto_doubles()
    {
        var (s, next) = Connected(c => c with { MinRto = TcpConfig.Second });
        s.Send(new byte[500]);
        var first = s.One(0);
        long rto = s.PollAt(0);
        Assert.Equal(TcpConfig.Second, rto); // RFC 6298 §2.4 floor (the handshake sample was 0)
        Assert.Empty(s.Drain(rto - 1));
        var again = s.One(rto);
        Assert.Equal(first.SequenceNumber, again.SequenceNumber); // RFC 6298 §5.4
        Assert.Equal(500, again.PayloadLength);
        Assert.Equal(rto + 2 * TcpConfig.Second, s.PollAt(rto)); // §5.5, §5.6
        Assert.Equal(1000, s.Congestion.Cwnd);                    // RFC 5681 §3.1: cwnd = LW = 1 SMSS
        Assert.Equal(1, s.Retransmissions);
    }

    [Fact]
    public void An_ack_restarts_the_timer_and_acking_everything_stops_it_rfc6298_5()
    {
        var (s, next) = Connected();
        s.Send(new byte[2000]);
        s.Drain(0);
        s.Feed(100 * Ms, Seg(Isn + 1, next + 1000, TcpFlags.Ack));
        Assert.Equal(100 * Ms + s.Rtt.Rto, s.PollAt(100 * Ms)); // §5.3
        s.Feed(150 * Ms, Seg(Isn + 1, next + 2000, TcpFlags.Ack));
        Assert.Equal(TcpSocket.Never, s.PollAt(150 * Ms));   // §5.2
        Assert.Equal(0, s.SendQueueLength);
    }

    [Fact]
    public void Rtt_is_sampled_from_new_data_but_not_from_a_retransmission_karn()
    {
        var (s, next) = Connected(c => c with { MinRto = 1 * Ms });
        s.Send(new byte[100]);
        s.Drain(0);
        s.Feed(40 * Ms, Seg(Isn + 1, next + 100, TcpFlags.Ack));
        Assert.Equal(5 * Ms, s.Rtt.Srtt); // RFC 6298 §2.3: 7/8 * 0 (the SYN-ACK sample) + 1/8 * 40 ms
        long srtt = s.Rtt.Srtt;
        s.Send(new byte[100]);
        s.Drain(40 * Ms);
        long rtoAt = s.PollAt(40 * Ms);
        s.Drain(rtoAt); // retransmitted
        s.Feed(rtoAt + 500 * Ms, Seg(Isn + 1, next + 200, TcpFlags.Ack));
        Assert.Equal(srtt, s.Rtt.Srtt); // RFC 6298 §3: no sample from the ambiguous ACK
    }

    [Fact]
    public void Three_duplicate_acks_trigger_a_fast_retransmit_of_the_first_unacked_segment()
    {
        var (s, next) = Connected();
        s.Send(new byte[4000]);
        Assert.Equal(4, s.Drain(0).Count);
        for (int i = 0; i < 2; i++)
        {
            s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack));
            Assert.Empty(s.Drain(1 * Ms));
        }
        s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack));
        var rexmit = s.One(1 * Ms); // RFC 5681 §3.2 step 2
        Assert.Equal(next, rexmit.SequenceNumber);
        Assert.Equal(1000, rexmit.PayloadLength);
        Assert.True(s.Congestion.InRecovery);
        Assert.Equal(2000, s.Congestion.Ssthresh);      // max(FlightSize / 2, 2 * SMSS)
        Assert.Equal(5000, s.Congestion.Cwnd);          // ssthresh + 3 * SMSS
    }

    [Fact]
    public void A_partial_ack_in_recovery_retransmits_the_next_hole_rfc6582()
    {
        var (s, next) = Connected();
        s.Send(new byte[4000]);
        s.Drain(0);
        for (int i = 0; i < 3; i++) s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack));
        s.Drain(1 * Ms);
        s.Feed(2 * Ms, Seg(Isn + 1, next + 2000, TcpFlags.Ack)); // partial: the third segment was lost too
        var rexmit = s.Drain(2 * Ms)[0].Repr;
        Assert.Equal(next + 2000, rexmit.SequenceNumber);
        Assert.True(s.Congestion.InRecovery);
        s.Feed(3 * Ms, Seg(Isn + 1, next + 4000, TcpFlags.Ack)); // full acknowledgment
        Assert.False(s.Congestion.InRecovery);
    }

    [Fact]
    public void A_changed_window_or_data_is_not_a_duplicate_ack_rfc5681_2()
    {
        var (s, next) = Connected();
        s.Send(new byte[4000]);
        s.Drain(0);
        s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack, window: 60000));
        s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack, window: 50000));
        s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack, window: 40000));
        Assert.Equal(0, s.Congestion.DupAcks);
    }

    [Fact]
    public void Too_many_retransmissions_close_the_connection_as_timed_out()
    {
        var (s, next) = Connected(c => c with { MaxRetransmissions = 3, MaxRto = 2 * TcpConfig.Second });
        s.Send(new byte[10]);
        long now = 0;
        for (int i = 0; i < 10 && s.State != TcpState.Closed; i++)
        {
            s.Drain(now);
            now = s.PollAt(now);
        }
        Assert.Equal(TcpState.Closed, s.State);
        Assert.Equal(TcpCloseReason.TimedOut, s.CloseReason); // RFC 9293 §3.8.3 R2
        Assert.Equal(3, s.Retransmissions);
    }

    [Fact]
    public void An_ack_for_data_never_sent_is_answered_and_ignored()
    {
        var (s, next) = Connected();
        s.Send(new byte[100]);
        s.Drain(0);
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 1, next + 5000, TcpFlags.Ack))); // RFC 9293 §3.10.7.4 fifth
        Assert.Equal(100, s.SendQueueLength);
        Assert.Equal(TcpFlags.Ack, s.One(0).Flags);
    }
}
