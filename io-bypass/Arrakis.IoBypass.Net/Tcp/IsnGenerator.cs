using System.Buffers.Binary;
using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// Initial sequence numbers per RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
/// M a timer ticking every 4 microseconds, F a keyed hash (§3 suggests MD5; SipHash-2-4 truncated to 32 bits
/// here, as Linux's secure_tcp_seq). RFC 9293 §3.4.1 (MUST-8) requires this clock-driven, per-connection-hashed selection. The same hash, with
/// a different purpose byte, gives the per-connection TSval offset (RFC 7323 §7). Pure functions, allocation-free, any thread.
/// </summary>
internal static class IsnGenerator
{
    /// <summary>The ISN for a connection between <paramref name="local"/> and <paramref name="remote"/> at
    /// <paramref name="nowMicroseconds"/> (RFC 6528 §3).</summary>
    public static SeqNumber Generate(ReadOnlySpan<byte> secret, TcpEndpoint local, TcpEndpoint remote, long nowMicroseconds)
    {
        uint m = unchecked((uint)(nowMicroseconds / 4)); // RFC 6528 §3 / RFC 9293 §3.4.1: a 4-microsecond clock
        return new SeqNumber(unchecked(m + Hash(secret, local, remote, 0)));
    }

    /// <summary>A per-connection offset for TSval so that timestamps do not reveal the host clock (RFC 7323 §7).</summary>
    public static uint TimestampOffset(ReadOnlySpan<byte> secret, TcpEndpoint local, TcpEndpoint remote)
        => Hash(secret, local, remote, 1);

    private static uint Hash(ReadOnlySpan<byte> secret, TcpEndpoint local, TcpEndpoint remote, byte purpose)
    {
        Span<byte> input = stackalloc byte[13];
        local.Address.CopyTo(input);
        BinaryPrimitives.WriteUInt16BigEndian(input[4..], local.Port);
        remote.Address.CopyTo(input[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(input[10..], remote.Port);
        input[12] = purpose;
        return (uint)SipHash.Hash(secret, input);
    }
}
