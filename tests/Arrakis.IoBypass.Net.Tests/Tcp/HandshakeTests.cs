using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Tcp.TcpScript;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Opening: RFC 9293 §3.5, §3.10.7.2-3; options RFC 7323 §2-3, RFC 2018 §2, RFC 9293 §3.7.1.</summary>
public sealed class HandshakeTests
{
    private static TcpSocket Listening(TcpConfig? config = null)
    {
        var s = new TcpSocket(config ?? Config());
        Assert.True(s.Listen(new TcpEndpoint(Ipv4Address.Unspecified, ServerPort)));
        return s;
    }

    [Fact]
    public void Syn_in_listen_answers_synack_with_negotiated_mss_and_wscale()
    {
        var s = Listening(Config(c => c with { ReceiveBufferSize = 200 * 1024 }));
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(1000, 0, TcpFlags.Syn, 64240, options: LinuxSynOptions)));
        Assert.Equal(TcpState.SynReceived, s.State);
        var synAck = s.One(0);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(1001u, synAck.AcknowledgmentNumber);
        Assert.Equal((ushort)1460, synAck.Options.MaxSegmentSize);
        Assert.Equal((byte)2, synAck.Options.WindowScale); // 200 KiB needs a shift of 2 to fit 16 bits
        Assert.Equal(ushort.MaxValue, synAck.Window);      // RFC 7323 §2.2: the SYN-ACK window is not scaled
        Assert.True(synAck.Options.SackPermitted);
        Assert.Equal(1460 - 12, s.SendMss);                 // RFC 9293 §3.7.1: minus the timestamp option
        Assert.Equal(((byte)7, (byte)2), s.WindowShift);
        Assert.Equal(Server, s.Local with { Address = ServerIp });
        Assert.Equal(Client, s.Remote);
    }

    [Fact]
    public void Synack_echoes_the_peers_tsval_rfc7323_3_2()
    {
        var s = Listening();
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn, options: LinuxSynOptions));
        var synAck = s.One(5 * TcpConfig.Millisecond);
        Assert.Equal(1000u, synAck.Options.Timestamp!.Value.EchoReply);
        Assert.True(s.TimestampsEnabled);
    }

    [Fact]
    public void Syn_without_options_gets_a_synack_without_them_and_send_mss_536()
    {
        var s = Listening();
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn));
        var synAck = s.One(0);
        Assert.Null(synAck.Options.WindowScale);      // RFC 7323 §2.2: only in reply to a SYN that had it
        Assert.Null(synAck.Options.Timestamp);        // RFC 7323 §3.2
        Assert.False(synAck.Options.SackPermitted);   // RFC 2018 §2
        Assert.Equal((ushort)1460, synAck.Options.MaxSegmentSize);
        Assert.Equal(536, s.SendMss);                 // RFC 9293 §3.7.1 MUST-15
        Assert.Equal(((byte)0, (byte)0), s.WindowShift);
    }

    [Fact]
    public void Ack_of_the_synack_enters_established()
    {
        var s = new TcpSocket(Config());
        uint next = Establish(s, 5000);
        Assert.Empty(s.Drain(0));
        Assert.Equal(0, s.Send([1, 2, 3]) == 3 ? 0 : 1);
        var data = s.One(0);
        Assert.Equal(next, data.SequenceNumber);
        Assert.Equal(5001u, data.AcknowledgmentNumber);
    }

    [Fact]
    public void Ack_in_listen_asks_for_a_reset_with_seq_equal_to_its_ack()
    {
        var s = Listening();
        var seg = Seg(1000, 777, TcpFlags.Ack);
        Assert.Equal(TcpInput.ResetPeer, s.Feed(0, seg));
        Assert.Equal(TcpState.Listen, s.State);
        Assert.True(TcpReset.TryAnswer(seg, out var rst));
        Assert.Equal(TcpFlags.Rst, rst.Flags); // RFC 9293 §3.10.7.2: <SEQ=SEG.ACK><CTL=RST>
        Assert.Equal(777u, rst.SequenceNumber);
        Assert.Equal(ClientPort, rst.DestinationPort);
    }

    [Fact]
    public void Reset_for_a_segment_without_ack_acknowledges_its_length_including_syn_and_fin()
    {
        Assert.True(TcpReset.TryAnswer(Seg(1000, 0, TcpFlags.Syn | TcpFlags.Fin, payload: 10), out var rst));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags); // RFC 9293 §3.10.7.1
        Assert.Equal(0u, rst.SequenceNumber);
        Assert.Equal(1012u, rst.AcknowledgmentNumber);
    }

    [Fact]
    public void A_reset_is_never_answered()
    {
        Assert.False(TcpReset.TryAnswer(Seg(1000, 5, TcpFlags.Rst | TcpFlags.Ack), out _));
        var s = Listening();
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(1000, 5, TcpFlags.Rst)));
    }

    [Fact]
    public void Segment_for_another_port_is_not_for_this_socket()
    {
        var s = Listening();
        var seg = Seg(1000, 0, TcpFlags.Syn) with { DestinationPort = 80 };
        Assert.Equal(TcpInput.NotForThisSocket, s.Feed(0, seg));
        Assert.Equal(TcpInput.NotForThisSocket, new TcpSocket(Config()).Feed(0, Seg(1, 0, TcpFlags.Syn)));
    }

    [Fact]
    public void Bad_ack_in_syn_received_asks_for_a_reset()
    {
        var s = Listening();
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn));
        uint iss = s.One(0).SequenceNumber;
        Assert.Equal(TcpInput.ResetPeer, s.Feed(0, Seg(1001, iss + 5, TcpFlags.Ack)));
        Assert.Equal(TcpState.SynReceived, s.State);
    }

    [Fact]
    public void Rst_in_syn_received_returns_a_passive_socket_to_listen()
    {
        var s = Listening();
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn));
        s.Drain(0);
        Assert.Equal(TcpInput.ResetReceived, s.Feed(0, Seg(1001, 0, TcpFlags.Rst)));
        Assert.Equal(TcpState.Listen, s.State); // RFC 9293 §3.10.7.4 second check
    }

    [Fact]
    public void Synack_is_retransmitted_after_the_initial_rto()
    {
        var s = Listening(Config(c => c with { InitialRto = TcpConfig.Second }));
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn));
        var first = s.One(0);
        Assert.Equal(TcpConfig.Second, s.PollAt(0)); // RFC 6298 §2.1
        Assert.Empty(s.Drain(TcpConfig.Second - 1));
        var again = s.One(TcpConfig.Second);
        Assert.Equal(first.SequenceNumber, again.SequenceNumber);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, again.Flags);
        Assert.Equal(3 * TcpConfig.Second, s.PollAt(TcpConfig.Second)); // RFC 6298 §5.5: doubled
    }

    [Fact]
    public void After_a_synack_timeout_data_starts_with_an_rto_of_3_s_rfc6298_5_7()
    {
        var s = Listening(Config(c => c with { InitialRto = TcpConfig.Second }));
        s.Feed(0, Seg(1000, 0, TcpFlags.Syn));
        uint iss = s.One(0).SequenceNumber;
        s.One(TcpConfig.Second); // the SYN-ACK again
        s.Feed(TcpConfig.Second + 10, Seg(1001, iss + 1, TcpFlags.Ack));
        Assert.Equal(TcpState.Established, s.State);
        Assert.Equal(3 * TcpConfig.Second, s.Rtt.Rto);
    }

    [Fact]
    public void Active_open_sends_syn_with_options_and_completes_on_synack()
    {
        var s = new TcpSocket(Config());
        Assert.True(s.Connect(Server, Client, 0)); // this socket plays the "server" addresses for the script
        var syn = s.One(0);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.NotNull(syn.Options.WindowScale);
        Assert.NotNull(syn.Options.Timestamp);
        var synAck = Seg(9000, syn.SequenceNumber + 1, TcpFlags.Syn | TcpFlags.Ack, options: LinuxSynOptions with { Timestamp = new TcpTimestamp(50, syn.Options.Timestamp!.Value.Value) });
        Assert.Equal(TcpInput.Accepted, s.Feed(10 * TcpConfig.Millisecond, synAck));
        Assert.Equal(TcpState.Established, s.State);
        var ack = s.One(10 * TcpConfig.Millisecond);
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(9001u, ack.AcknowledgmentNumber);
        Assert.Equal(50u, ack.Options.Timestamp!.Value.EchoReply);
        Assert.Equal(10 * TcpConfig.Millisecond, s.Rtt.Srtt); // the SYN was timed
    }

    [Fact]
    public void Synack_with_a_wrong_ack_in_syn_sent_asks_for_a_reset()
    {
        var s = new TcpSocket(Config());
        s.Connect(Server, Client, 0);
        uint iss = s.One(0).SequenceNumber;
        Assert.Equal(TcpInput.ResetPeer, s.Feed(0, Seg(9000, iss + 7, TcpFlags.Syn | TcpFlags.Ack)));
        Assert.Equal(TcpInput.Dropped, s.Feed(0, Seg(9000, 0, TcpFlags.Rst)));
        Assert.Equal(TcpState.SynSent, s.State);
        Assert.Equal(TcpInput.ResetReceived, s.Feed(0, Seg(0, iss + 1, TcpFlags.Rst | TcpFlags.Ack)));
        Assert.Equal(TcpCloseReason.Reset, s.CloseReason);
    }
}
