using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Timestamps after the handshake (RFC 7323 §3.2, §4.3, §5.3), window updates (RFC 9293 §3.10.7.4),
/// simultaneous open (RFC 9293 §3.5 Figure 7) and calls in the wrong state.</summary>
public sealed class OptionsAndEdgeTests
{
    private const uint Isn = 7000;
    private const long Ms = TcpConfig.Millisecond;

    private static TcpOptions Ts(uint value) => new() { Timestamp = new TcpTimestamp(value, 0) };

    [Fact]
    public void With_timestamps_agreed_a_segment_without_them_is_dropped_rfc7323_3_2()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, LinuxSynOptions);
        Assert.Equal(TcpInput.DroppedTimestamp, s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 5), new byte[5]));
        Assert.Equal(0, s.ReceiveQueueLength);
        Assert.Equal(TcpInput.ResetReceived, s.Feed(0, Seg(Isn + 1, next, TcpFlags.Rst))); // a RST need not carry them
    }

    [Fact]
    public void Paws_drops_an_old_tsval_and_acks_rfc7323_5_3()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn, LinuxSynOptions);
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, payload: 5, options: Ts(2000)), new byte[5]));
        s.Drain(300 * Ms);
        Assert.Equal(TcpInput.DroppedTimestamp, s.Feed(300 * Ms, Seg(Isn + 6, next, TcpFlags.Ack, payload: 5, options: Ts(1999)), new byte[5]));
        Assert.Equal(5, s.ReceiveQueueLength);
        var ack = s.One(300 * Ms);
        Assert.Equal(2000u, ack.Options.Timestamp!.Value.EchoReply); // TS.Recent from the accepted segment (§4.3)
    }

    [Fact]
    public void An_old_duplicate_does_not_update_the_send_window_but_the_next_segment_does_rfc9293_3_10_7_4()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, window: 5000, payload: 10), new byte[10]);
        Assert.Equal(5000, s.SendWindow);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack, window: 100)); // below RCV.NXT: not acceptable, the window is untouched
        Assert.Equal(5000, s.SendWindow);
        s.Feed(0, Seg(Isn + 11, next, TcpFlags.Ack, window: 100)); // SND.WL1 < SEG.SEQ: update (a shrink is taken as is)
        Assert.Equal(100, s.SendWindow);
    }

    [Fact]
    public void Simultaneous_open_reaches_established_on_both_sides()
    {
        var a = new TcpSocket(Config());
        var b = new TcpSocket(Config());
        a.Connect(Client, Server, 0);
        b.Connect(Server, Client, 0);
        var buffer = new byte[2048];
        for (int round = 0; round < 5; round++)
        {
            Exchange(a, b, round * Ms, buffer);
            Exchange(b, a, round * Ms, buffer);
        }
        Assert.Equal(TcpState.Established, a.State);
        Assert.Equal(TcpState.Established, b.State);

        static void Exchange(TcpSocket from, TcpSocket to, long now, byte[] buffer)
        {
            while (from.TryDispatch(now, buffer, out var repr))
                to.Process(now, from.Local.Address, to.Local.Address, repr, buffer.AsSpan(0, repr.PayloadLength));
        }
    }

    [Fact]
    public void Calls_in_the_wrong_state_do_nothing()
    {
        var s = new TcpSocket(Config());
        Assert.Equal(0, s.Send([1]));
        Assert.Equal(0, s.Receive(new byte[4]));
        s.Close();
        Assert.Equal(TcpState.Closed, s.State);
        Assert.True(s.Listen(Server));
        Assert.False(s.Listen(Server));
        Assert.False(s.Connect(Server, Client, 0));
        Assert.Equal(0, s.Send([1]));
        Assert.Equal(TcpSocket.Never, s.PollAt(0));
        s.Close();
        Assert.Equal(TcpState.Closed, s.State);
    }

    [Fact]
    public void Data_after_the_peers_fin_is_ignored()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        s.Feed(0, Seg(Isn + 1, next, TcpFlags.Ack | TcpFlags.Fin));
        Assert.Equal(TcpState.CloseWait, s.State);
        s.Feed(0, Seg(Isn + 2, next, TcpFlags.Ack, payload: 3), [1, 2, 3]); // RFC 9293 §3.10.7.4 seventh: ignore the text
        Assert.Equal(0, s.ReceiveQueueLength);
        Assert.True(s.IsReceiveFinished);
    }

    [Fact]
    public void A_payload_span_that_disagrees_with_the_repr_is_dropped()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, Isn);
        Assert.Equal(TcpInput.Dropped, s.Process(0, ClientIp, ServerIp, Seg(Isn + 1, next, TcpFlags.Ack, payload: 10), new byte[3]));
    }
}
