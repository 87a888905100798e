using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>Helpers to drive one socket segment by segment: the peer is the test.</summary>
internal static class TcpScript
{
    public static readonly Ipv4Address ServerIp = new(10, 0, 0, 2);
    public static readonly Ipv4Address ClientIp = new(10, 0, 0, 1);
    public const ushort ServerPort = 6379;
    public const ushort ClientPort = 40000;
    public static readonly TcpEndpoint Server = new(ServerIp, ServerPort);
    public static readonly TcpEndpoint Client = new(ClientIp, ClientPort);

    public static TcpConfig Config(Func<TcpConfig, TcpConfig>? change = null)
    {
        var c = new TcpConfig { IsnSecret = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, MinRto = 200 * TcpConfig.Millisecond };
        return change is null ? c : change(c);
    }

    /// <summary>A segment from the client to the server.</summary>
    public static TcpRepr Seg(uint seq, uint ack, TcpFlags flags, ushort window = 65535, int payload = 0, TcpOptions options = default) => new()
    {
        SourcePort = ClientPort,
        DestinationPort = ServerPort,
        SequenceNumber = seq,
        AcknowledgmentNumber = ack,
        Flags = flags,
        Window = window,
        PayloadLength = payload,
        Options = options,
    };

    public static TcpInput Feed(this TcpSocket s, long now, TcpRepr seg, byte[]? payload = null)
        => s.Process(now, ClientIp, ServerIp, seg, payload ?? new byte[seg.PayloadLength]);

    /// <summary>Everything the socket sends now.</summary>
    public static List<(TcpRepr Repr, byte[] Payload)> Drain(this TcpSocket s, long now)
    {
        var list = new List<(TcpRepr, byte[])>();
        var buffer = new byte[65536];
        for (int i = 0; i < 10_000 && s.TryDispatch(now, buffer, out var repr); i++) list.Add((repr, buffer[..repr.PayloadLength]));
        return list;
    }

    /// <summary>The one segment the socket sends now (fails otherwise).</summary>
    public static TcpRepr One(this TcpSocket s, long now) => Assert.Single(s.Drain(now)).Repr;

    public static readonly TcpOptions LinuxSynOptions = new()
    {
        MaxSegmentSize = 1460,
        WindowScale = 7,
        SackPermitted = true,
        Timestamp = new TcpTimestamp(1000, 0),
    };

    /// <summary>A server socket in ESTABLISHED with a client whose ISN is <paramref name="clientIsn"/>; returns the
    /// server's ISN + 1 (its SND.NXT). No options unless given (simple arithmetic in tests).</summary>
    public static uint Establish(TcpSocket s, uint clientIsn, TcpOptions synOptions = default, ushort window = 65535)
    {
        Assert.True(s.Listen(new TcpEndpoint(ServerIp, ServerPort)));
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(clientIsn, 0, TcpFlags.Syn, window, options: synOptions)));
        var synAck = s.One(0);
        uint next = synAck.SequenceNumber + 1;
        var ackOptions = synOptions.Timestamp is null ? default : new TcpOptions { Timestamp = new TcpTimestamp(1001, synAck.Options.Timestamp!.Value.Value) };
        Assert.Equal(TcpInput.Accepted, s.Feed(0, Seg(clientIsn + 1, next, TcpFlags.Ack, window, options: ackOptions)));
        Assert.Equal(TcpState.Established, s.State);
        return next;
    }
}
