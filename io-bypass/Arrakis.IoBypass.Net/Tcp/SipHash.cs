using System.Buffers.Binary;
using System.Numerics;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit hash for short
/// inputs, the pseudorandom function Linux uses for TCP initial sequence numbers and SYN cookies. Here it keys
/// the RFC 6528 ISN hash, the timestamp offset and the SYN cookie MAC, where HMAC-SHA-256 through OpenSSL cost
/// ~1.2 us per call and most of the CPU under a SYN flood. Pure, allocation-free, any thread.
/// </summary>
internal static class SipHash
{
    /// <summary>The hash of <paramref name="message"/> under a 128-bit key. A key of another length is folded into
    /// 16 bytes (shorter keys are zero-padded; bytes past 16 are XORed over the start).</summary>
    public static ulong Hash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        Span<byte> k = stackalloc byte[16];
        k.Clear();
        for (int i = 0; i < key.Length; i++) k[i % 16] ^= key[i];
        ulong k0 = BinaryPrimitives.ReadUInt64LittleEndian(k), k1 = BinaryPrimitives.ReadUInt64LittleEndian(k[8..]);
        ulong v0 = k0 ^ 0x736f6d6570736575UL, v1 = k1 ^ 0x646f72616e646f6dUL;
        ulong v2 = k0 ^ 0x6c7967656e657261UL, v3 = k1 ^ 0x7465646279746573UL;
        int whole = message.Length & ~7;
        for (int i = 0; i < whole; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(message[i..]);
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }
        ulong last = (ulong)(message.Length & 0xFF) << 56;
        for (int i = whole; i < message.Length; i++) last |= (ulong)message[i] << (8 * (i - whole));
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xFF;
        for (int i = 0; i < 4; i++) Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1; v1 = BitOperations.RotateLeft(v1, 13); v1 ^= v0; v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3; v3 = BitOperations.RotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = BitOperations.RotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = BitOperations.RotateLeft(v1, 17); v1 ^= v2; v2 = BitOperations.RotateLeft(v2, 32);
    }
}
