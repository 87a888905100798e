using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Closing (RFC 9293 §3.6, §3.10.4, §3.10.7.4), resets (RFC 9293 §3.10.7.4, RFC 5961) and keepalive (RFC 1122 4.2.3.6).</summary>
public sealed class CloseTests
{
    private const uint Isn = 1000;
    private const long Ms = TcpConfig.Millisecond;
    private const long Msl = 10 * TcpConfig.Second;

    private static (TcpSocket S, uint Next) Connected(Func<TcpConfig, TcpConfig>? change = null)
    {
        var s = new TcpSocket(Config(c => (change ?? (x => x))(c with { MaxSegmentLifetime = Msl })));
        return (s, Establish(s, Isn));
    }

    [Fact]
    public void Active_close_goes_through_fin_wait_1_and_2_to_time_wait_and_closes_after_2_msl()
    {
        var (s, next) = Connected();
        s.Send([1, 2, 3]);
        s.Close();
        Assert.Equal(TcpState.FinWait1, s.State);
        Assert.False(s.CanSend);
        var fin = s.One(0);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, fin.Flags); // the FIN rides on the last data
        Assert.Equal(3, fin.PayloadLength);
        s.Feed(1 * Ms, Seg(Isn + 1, next + 4, TcpFlags.Ack));
        Assert.Equal(TcpState.FinWait2, s.State);
        s.Feed(2 * Ms, Seg(Isn + 1, next + 4, TcpFlags.Ack | TcpFlags.Fin));
        Assert.Equal(TcpState.TimeWait, s.State);
        Assert.Equal(Isn + 2, s.One(2 * Ms).AcknowledgmentNumber);
        Assert.Equal(2 * Ms + 2 * Msl, s.PollAt(2 * Ms)); // RFC 9293 §3.3.2: 2 MSL
        s.Feed(3 * Ms, Seg(Isn + 1, next + 4, TcpFlags.Ack | TcpFlags.Fin)); // a retransmitted FIN: ACK, restart
        Assert.Equal(Isn + 2, s.One(3 * Ms).AcknowledgmentNumber);
        Assert.Equal(3 * Ms + 2 * Msl, s.PollAt(3 * Ms));
        Assert.Empty(s.Drain(3 * Ms + 2 * Msl));
        Assert.Equal(TcpState.Closed, s.State);
        Assert.Equal(TcpCloseReason.None, s.CloseReason);
    }

    [Fact]
    public void A_new_syn_above_the_old_sequence_space_reopens_a_time_wait_connection_rfc1122_4_2_2_13()
    {
        var (s, next) = Connected();
        s.Close();
        s.One(0);
        s.Feed(1 * Ms, Seg(Isn + 1, next + 1, TcpFlags.Ack | TcpFlags.Fin));
        Assert.Equal(TcpState.TimeWait, s.State);
        s.Drain(1 * Ms);
        Assert.Equal(TcpInput.Dropped, s.Feed(2 * Ms, Seg(Isn, 0, TcpFlags.Syn)));       // an old duplicate: challenge ACK
        Assert.Equal(TcpState.TimeWait, s.State);
        s.Drain(2 * Ms);
        Assert.Equal(TcpInput.Reopen, s.Feed(3 * Ms, Seg(Isn + 100_000, 0, TcpFlags.Syn))); // a new incarnation
        Assert.Equal(TcpState.Closed, s.State);
        Assert.True(s.Listen(Server));
        Assert.Equal(TcpInput.Accepted, s.Feed(3 * Ms, Seg(Isn + 100_000, 0, TcpFlags.Syn)));
        Assert.Equal(TcpState.SynReceived, s.State);
    }

    [Fact]
    public void Passive_close_goes_through_close_wait_and_last_ack()
    {
        var (s, next) = Connected();
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack | TcpFlags.Fin, payload: 2), [7, 8]);
        Assert.Equal(TcpState.CloseWait, s.State);
        Assert.Equal(Isn + 4, s.One(0).AcknowledgmentNumber); // FIN acknowledged at once
        Assert.Equal(2, s.Receive(new byte[10]));
        Assert.True(s.IsReceiveFinished);
        Assert.Equal(1, s.Send([9]));                        // CLOSE-WAIT may still send
        s.Close();
        Assert.Equal(TcpState.LastAck, s.State);
        var fin = s.One(0);
        Assert.True((fin.Flags & TcpFlags.Fin) != 0);
        s.Feed(1 * Ms, Seg(Isn + 4, next + 2, TcpFlags.Ack));
        Assert.Equal(TcpState.Closed, s.State);
        Assert.Equal(TcpCloseReason.None, s.CloseReason);
    }

    [Fact]
    public void Close_in_syn_received_sends_the_fin_after_the_handshake_completes()
    {
        var s = new TcpSocket(Config());
        s.Listen(Server);
        s.Feed(0, Seg(Isn, 0, TcpFlags.Syn));
        uint iss = s.One(0).SequenceNumber;
        s.Close();
        Assert.Equal(TcpState.SynReceived, s.State);
        Assert.Equal(TcpInput.Accepted, s.Feed(1 * Ms, Seg(Isn + 1, iss + 1, TcpFlags.Ack)));
        Assert.Equal(TcpState.FinWait1, s.State);
        var fin = s.One(1 * Ms);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Fin, fin.Flags);
        Assert.Equal(iss + 1, fin.SequenceNumber);
        s.Feed(2 * Ms, Seg(Isn + 1, iss + 2, TcpFlags.Ack));
        Assert.Equal(TcpState.FinWait2, s.State);
    }

    [Fact]
    public void Simultaneous_close_goes_through_closing_to_time_wait()
    {
        var (s, next) = Connected();
        s.Close();
        s.One(0); // our FIN
        s.Feed(1 * Ms, Seg(Isn + 1, next, TcpFlags.Ack | TcpFlags.Fin)); // theirs, not acking ours
        Assert.Equal(TcpState.Closing, s.State);
        s.Feed(2 * Ms, Seg(Isn + 2, next + 1, TcpFlags.Ack));
        Assert.Equal(TcpState.TimeWait, s.State);
    }

    [Fact]
    public void Out_of_order_fin_waits_for_the_bytes_before_it()
    {
        var (s, next) = Connected();
        s.Feed(0, Seg(Isn + 6, next, TcpFlags.Ack | TcpFlags.Fin, payload: 5), [6, 7, 8, 9, 10]);
        Assert.Equal(TcpState.Established, s.State);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 5), [1, 2, 3, 4, 5]);
        Assert.Equal(TcpState.CloseWait, s.State);
        Assert.Equal(10, s.Receive(new byte[20]));
        Assert.True(s.IsReceiveFinished);
    }

    [Fact]
    public void Rst_at_rcv_nxt_resets_the_connection()
    {
        var (s, next) = Connected();
        Assert.Equal(TcpInput.ResetReceived, s.Feed(0, Seg(Isn + 1, 0, TcpFlags.Rst)));
        Assert.Equal(TcpState.Closed, s.State);
        Assert.Equal(TcpCloseReason.Reset, s.CloseReason);
    }

    [Fact]
    public void Rst_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack_rfc5961_3_2()
    {
        var (s, next) = Connected();
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 100, 0, TcpFlags.Rst)));
        Assert.Equal(TcpState.Established, s.State);
        var challenge = s.One(0);
        Assert.Equal(TcpFlags.Ack, challenge.Flags);
        Assert.Equal(Isn + 1, challenge.AcknowledgmentNumber);
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 1_000_000, 0, TcpFlags.Rst))); // outside: silently dropped
        Assert.Empty(s.Drain(0));
    }

    [Fact]
    public void Challenge_acks_are_rate_limited_rfc5961_7()
    {
        var (s, next) = Connected(c => c with { ChallengeAcksPerSecond = 3 });
        for (int i = 0; i < 10; i++) s.Feed(0, Seg(Isn + 100, 0, TcpFlags.Rst));
        Assert.Single(s.Drain(0));  // a burst in one poll coalesces into one ACK anyway
        for (int i = 0; i < 10; i++)
        {
            s.Feed(1 + i, Seg(Isn + 100, 0, TcpFlags.Rst));
            s.Drain(1 + i);
        }
        Assert.Empty(s.Drain(100));
        s.Feed(TcpConfig.Second, Seg(Isn + 100, 0, TcpFlags.Rst)); // a new second
        Assert.Single(s.Drain(TcpConfig.Second));
    }

    [Fact]
    public void Syn_in_established_gets_a_challenge_ack_rfc5961_4_2()
    {
        var (s, next) = Connected();
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 1, 0, TcpFlags.Syn)));
        Assert.Equal(TcpState.Established, s.State);
        Assert.Equal(TcpFlags.Ack, s.One(0).Flags);
    }

    [Fact]
    public void An_ack_far_below_snd_una_gets_a_challenge_ack_rfc5961_5_2()
    {
        var (s, next) = Connected();
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(Isn + 1, next - 1_000_000, TcpFlags.Ack)));
        Assert.Equal(TcpFlags.Ack, s.One(0).Flags);
    }

    [Fact]
    public void Abort_sends_a_reset_and_closes()
    {
        var (s, next) = Connected();
        s.Abort();
        Assert.Equal(TcpState.Closed, s.State);
        var rst = s.One(0);
        Assert.Equal(TcpFlags.Rst, rst.Flags); // RFC 9293 §3.10.5
        Assert.Equal(next, rst.SequenceNumber);
        Assert.Equal(TcpCloseReason.Aborted, s.CloseReason);
    }

    [Fact]
    public void Keepalive_probes_an_idle_connection_with_snd_nxt_minus_one_and_gives_up()
    {
        var (s, next) = Connected(c => c with { KeepaliveIdle = 60 * TcpConfig.Second, KeepaliveInterval = 10 * TcpConfig.Second, KeepaliveProbes = 2 });
        Assert.Equal(60 * TcpConfig.Second, s.PollAt(0));
        var probe = s.One(60 * TcpConfig.Second);
        Assert.Equal(next - 1, probe.SequenceNumber); // RFC 1122 4.2.3.6
        Assert.Equal(0, probe.PayloadLength);
        s.Feed(61 * TcpConfig.Second, Seg(Isn + 1, next, TcpFlags.Ack)); // answered: idle again
        Assert.Equal(121 * TcpConfig.Second, s.PollAt(61 * TcpConfig.Second));
        s.One(121 * TcpConfig.Second);
        s.One(131 * TcpConfig.Second);
        Assert.Empty(s.Drain(141 * TcpConfig.Second));
        Assert.Equal(TcpState.Closed, s.State);
        Assert.Equal(TcpCloseReason.TimedOut, s.CloseReason);
    }

    [Fact]
    public void Keepalive_is_off_by_default_rfc1122()
    {
        var (s, _) = Connected();
        Assert.Equal(TcpSocket.Never, s.PollAt(0));
    }
}
