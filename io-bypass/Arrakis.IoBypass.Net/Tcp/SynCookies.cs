using System.Buffers.Binary;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// SYN cookies (RFC 4987 §3.6): when the half-open connections fill their budget, a SYN is answered with a
/// SYN-ACK whose ISS encodes what the connection needs and no state is kept; the ACK that completes the
/// handshake carries the cookie back (SEG.ACK - 1) and the connection is rebuilt from it. Pure functions,
/// allocation-free, any thread.
/// </summary>
/// <remarks>
/// The cookie's 32 bits, most significant first (Bernstein's layout, with the SYN's options added):
/// <list type="bullet">
/// <item>5 bits: a counter that ticks every <see cref="Period"/> (64 s), modulo 32: the cookie's age;</item>
/// <item>3 bits: the peer's MSS, rounded down to <see cref="MssTable"/>;</item>
/// <item>3 bits: the peer's window shift, rounded down to <see cref="ShiftTable"/> (index 0: no window scaling);
/// rounding down only makes us read the peer's windows as smaller than they are, which is safe;</item>
/// <item>1 bit: the peer offered SACK;</item>
/// <item>20 bits: a keyed hash (SipHash-2-4 with the ISN secret, truncated) of the 4-tuple, the peer's ISN, the
/// full counter and the 12 bits above. A forged ACK is accepted with probability 2^-20 per try (Linux keeps 24
/// bits, but carries the options in the timestamp instead, which a peer without timestamps loses).</item>
/// </list>
/// Timestamps need no bits: the peer sends them on the ACK exactly when both SYNs had them, and our TSval is a
/// function of the clock and the 4-tuple. A cookie is honoured for up to two periods (64 to 128 s).
/// </remarks>
internal static class SynCookies
{
    /// <summary>The counter's tick (RFC 4987 §3.6: "t is a slowly incrementing time counter").</summary>
    public const long Period = 64 * TcpConfig.Second;

    /// <summary>MSS values a cookie can carry; the peer's is rounded down to one of these.</summary>
    public static ReadOnlySpan<ushort> MssTable => [536, 1024, 1200, 1300, 1360, 1400, 1440, 1460];

    /// <summary>Window shifts a cookie can carry (index 0 stands for "no window scaling"; its value is unused).</summary>
    public static ReadOnlySpan<byte> ShiftTable => [0, 0, 2, 4, 6, 7, 8, 9];

    private const int HashBits = 20;
    private const uint HashMask = (1u << HashBits) - 1;

    /// <summary>The ISS for our stateless SYN-ACK to <paramref name="syn"/>, which came from <paramref name="remote"/> to <paramref name="local"/>.</summary>
    public static SeqNumber Make(ReadOnlySpan<byte> secret, long now, TcpEndpoint local, TcpEndpoint remote, in TcpRepr syn)
    {
        long counter = now / Period;
        var o = syn.Options;
        int mss = 0;
        ushort peerMss = o.MaxSegmentSize ?? 536; // RFC 9293 §3.7.1: 536 without the option
        for (int i = MssTable.Length - 1; i > 0; i--)
        {
            if (MssTable[i] <= peerMss)
            {
                mss = i;
                break;
            }
        }
        int shift = 0;
        if (o.WindowScale is byte s)
        {
            shift = 1;
            for (int i = ShiftTable.Length - 1; i > 1; i--)
            {
                if (ShiftTable[i] <= s)
                {
                    shift = i;
                    break;
                }
            }
        }
        uint fields = (uint)(((counter & 31) << 7) | ((long)mss << 4) | ((long)shift << 1) | (o.SackPermitted ? 1L : 0L));
        uint hash = Hash(secret, local, remote, syn.SequenceNumber, counter, fields);
        return new SeqNumber((fields << HashBits) | hash);
    }

    /// <summary>
    /// Checks the cookie an ACK from <paramref name="remote"/> carries back (SEG.ACK - 1 with the peer's ISN
    /// SEG.SEQ - 1) and, when it is ours and at most two periods old, rebuilds the SYN the peer sent as far as the
    /// connection needs it (sequence number, MSS, window shift, SACK, timestamps) and the ISS we answered with.
    /// </summary>
    public static bool TryCheck(ReadOnlySpan<byte> secret, long now, TcpEndpoint local, TcpEndpoint remote, in TcpRepr ack, out TcpRepr syn, out SeqNumber iss)
    {
        syn = default;
        iss = default;
        if ((ack.Flags & (TcpFlags.Ack | TcpFlags.Syn | TcpFlags.Rst)) != TcpFlags.Ack) return false;
        uint cookie = unchecked(ack.AcknowledgmentNumber - 1);
        uint peerIsn = unchecked(ack.SequenceNumber - 1);
        uint fields = cookie >> HashBits;
        long counter = now / Period;
        long age = (counter - (fields >> 7)) & 31;
        if (age > 1) return false; // older than two periods (or from the future)
        if (Hash(secret, local, remote, peerIsn, counter - age, fields) != (cookie & HashMask)) return false;
        int shift = (int)(fields >> 1) & 7;
        syn = new TcpRepr
        {
            SourcePort = remote.Port,
            DestinationPort = local.Port,
            SequenceNumber = peerIsn,
            Flags = TcpFlags.Syn,
            Window = ack.Window,
            Options = new TcpOptions
            {
                MaxSegmentSize = MssTable[(int)(fields >> 4) & 7],
                WindowScale = shift == 0 ? null : ShiftTable[shift],
                SackPermitted = (fields & 1) != 0,
                // RFC 7323 §3.2: the peer sends TSopt after the handshake only if both SYNs carried it.
                Timestamp = ack.Options.Timestamp is TcpTimestamp ts ? new TcpTimestamp(ts.Value, 0) : null,
            },
        };
        iss = new SeqNumber(cookie);
        return true;
    }

    private static uint Hash(ReadOnlySpan<byte> secret, TcpEndpoint local, TcpEndpoint remote, uint peerIsn, long counter, uint fields)
    {
        Span<byte> input = stackalloc byte[29];
        local.Address.CopyTo(input);
        BinaryPrimitives.WriteUInt16BigEndian(input[4..], local.Port);
        remote.Address.CopyTo(input[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(input[10..], remote.Port);
        BinaryPrimitives.WriteUInt32BigEndian(input[12..], peerIsn);
        BinaryPrimitives.WriteInt64BigEndian(input[16..], counter);
        BinaryPrimitives.WriteUInt32BigEndian(input[24..], fields);
        input[28] = 2; // purpose: IsnGenerator uses 0 and 1 with the same secret
        return (uint)SipHash.Hash(secret, input) & HashMask;
    }
}
