using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>SYN cookies (RFC 4987 §3.6) as pure functions: what a cookie carries back, what it rounds, and what it refuses.</summary>
public sealed class SynCookiesTests
{
    private static readonly byte[] Secret = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6];
    private static readonly TcpEndpoint Local = new(new Ipv4Address(198, 18, 0, 2), 6379);
    private static readonly TcpEndpoint Remote = new(new Ipv4Address(198, 18, 0, 1), 40000);
    private const long Now = 1_000 * TcpConfig.Second;

    private static TcpRepr Syn(TcpOptions options, uint seq = 777) => new()
    {
        SourcePort = Remote.Port, DestinationPort = Local.Port, SequenceNumber = seq, Flags = TcpFlags.Syn, Window = 64240, Options = options,
    };

    /// <summary>The ACK completing the handshake: SEQ = the peer's ISN + 1, ACK = the cookie + 1.</summary>
    private static TcpRepr Ack(SeqNumber cookie, uint peerIsn = 777, TcpTimestamp? ts = null) => new()
    {
        SourcePort = Remote.Port, DestinationPort = Local.Port, SequenceNumber = peerIsn + 1, AcknowledgmentNumber = (cookie + 1).Value,
        Flags = TcpFlags.Ack, Window = 502, Options = new TcpOptions { Timestamp = ts },
    };

    [Fact]
    public void A_cookie_brings_back_the_syns_sequence_number_and_options()
    {
        var options = new TcpOptions { MaxSegmentSize = 1460, WindowScale = 7, SackPermitted = true, Timestamp = new TcpTimestamp(5555, 0) };
        var cookie = SynCookies.Make(Secret, Now, Local, Remote, Syn(options));
        Assert.True(SynCookies.TryCheck(Secret, Now + TcpConfig.Second, Local, Remote, Ack(cookie, ts: new TcpTimestamp(5600, 1)), out var syn, out var iss));
        Assert.Equal(cookie, iss);
        Assert.Equal(777u, syn.SequenceNumber);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal((ushort)1460, syn.Options.MaxSegmentSize);
        Assert.Equal((byte)7, syn.Options.WindowScale);
        Assert.True(syn.Options.SackPermitted);
        Assert.Equal(5600u, syn.Options.Timestamp!.Value.Value); // the peer's latest TSval: TS.Recent (RFC 7323 §4.3)

        var bare = SynCookies.Make(Secret, Now, Local, Remote, Syn(default));
        Assert.True(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(bare), out syn, out _));
        Assert.Equal((ushort)536, syn.Options.MaxSegmentSize); // RFC 9293 §3.7.1: no option means 536
        Assert.Null(syn.Options.WindowScale);
        Assert.False(syn.Options.SackPermitted);
        Assert.Null(syn.Options.Timestamp);
    }

    [Theory]
    [InlineData(1460, 1460)]
    [InlineData(9000, 1460)]
    [InlineData(1448, 1440)]
    [InlineData(1000, 536)]
    [InlineData(300, 536)]
    public void The_peers_mss_is_rounded_down_to_the_table(int peer, int carried)
    {
        var cookie = SynCookies.Make(Secret, Now, Local, Remote, Syn(new TcpOptions { MaxSegmentSize = (ushort)peer }));
        Assert.True(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie), out var syn, out _));
        Assert.Equal((ushort)carried, syn.Options.MaxSegmentSize);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(7, 7)]
    [InlineData(8, 8)]
    [InlineData(14, 9)]
    public void The_peers_window_shift_is_rounded_down_so_its_windows_are_never_overestimated(int peer, int carried)
    {
        var cookie = SynCookies.Make(Secret, Now, Local, Remote, Syn(new TcpOptions { WindowScale = (byte)peer }));
        Assert.True(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie), out var syn, out _));
        Assert.Equal((byte)carried, syn.Options.WindowScale);
    }

    [Fact]
    public void A_cookie_is_honoured_for_up_to_two_periods_and_not_after()
    {
        var cookie = SynCookies.Make(Secret, Now, Local, Remote, Syn(default));
        long periodStart = Now / SynCookies.Period * SynCookies.Period;
        Assert.True(SynCookies.TryCheck(Secret, periodStart + 2 * SynCookies.Period - 1, Local, Remote, Ack(cookie), out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, periodStart + 2 * SynCookies.Period, Local, Remote, Ack(cookie), out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, periodStart - 1, Local, Remote, Ack(cookie), out _, out _)); // from the future
        // The counter wraps at 32 periods: the same 5 bits 32 periods later are not the same cookie.
        Assert.False(SynCookies.TryCheck(Secret, Now + 32 * SynCookies.Period, Local, Remote, Ack(cookie), out _, out _));
    }

    [Fact]
    public void A_cookie_is_refused_for_another_connection_another_isn_another_secret_or_a_changed_bit()
    {
        var cookie = SynCookies.Make(Secret, Now, Local, Remote, Syn(new TcpOptions { MaxSegmentSize = 1460 }));
        Assert.True(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie), out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote with { Port = 40001 }, Ack(cookie), out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote with { Address = new Ipv4Address(198, 18, 0, 3) }, Ack(cookie), out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie, peerIsn: 778), out _, out _));
        Assert.False(SynCookies.TryCheck([1, 2, 3], Now, Local, Remote, Ack(cookie), out _, out _));
        for (int bit = 0; bit < 32; bit++)
        {
            var flipped = new SeqNumber(cookie.Value ^ (1u << bit));
            Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(flipped), out _, out _));
        }
        // Only a bare ACK completes a handshake: with SYN or RST set it is something else.
        Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie) with { Flags = TcpFlags.Ack | TcpFlags.Rst }, out _, out _));
        Assert.False(SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(cookie) with { Flags = TcpFlags.Ack | TcpFlags.Syn }, out _, out _));
    }

    [Fact]
    public void Guessed_acks_are_almost_never_accepted()
    {
        var random = new Random(5);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++)
        {
            if (SynCookies.TryCheck(Secret, Now, Local, Remote, Ack(new SeqNumber((uint)random.NextInt64(0, 1L << 32))), out _, out _)) accepted++;
        }
        // A guess needs the right counter bits (2 of 32 values) and the 20-bit hash: about 1 in 8 million per try.
        Assert.True(accepted <= 1, $"{accepted} of 200,000 guesses accepted");
    }
}
