using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// The internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
/// data taken as big-endian 16-bit words, an odd trailing byte padded with a zero byte (§1).
/// <para>
/// Incremental use: start from 0 (or <see cref="PseudoHeader"/>), <see cref="Add(uint, ReadOnlySpan{byte})"/>
/// each piece, then <see cref="Finish"/> for the value to write, or <see cref="Verifies"/> to check a
/// received message that includes its checksum field. The running sum is folded to 16 bits after
/// every call, so it never overflows (§2(C): carries may be deferred and folded at the end). Every piece but
/// the last must have an even length: an odd piece in the middle shifts the bytes after it by one
/// position (§2(B)). <see cref="Update"/> adjusts a checksum for one changed 16-bit word (RFC 1624 §3).
/// </para>
/// Pure functions, any thread; nothing here throws.
/// </summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> (big-endian words, an odd last byte as its high half) to a running sum.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        int i = 0;
        // RFC 1071 §2(C): sum 32-bit words in a wider accumulator; folding at the end gives the 16-bit sum.
        for (; i + 8 <= data.Length; i += 8)
        {
            ulong w = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            acc += (w >> 32) + (w & 0xFFFF_FFFF);
        }
        for (; i + 2 <= data.Length; i += 2) acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) acc += (uint)data[i] << 8; // §1: pad the odd byte with zero on the right
        return Reduce(acc);
    }

    /// <summary>Adds one 16-bit word to a running sum.</summary>
    public static uint Add(uint sum, ushort word) => Reduce((ulong)sum + word);

    /// <summary>Folds the carries of a running sum into 16 bits (the one's complement sum, not yet complemented).</summary>
    public static ushort Fold(uint sum)
    {
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum field value for a running sum: the complement of its fold (RFC 1071 §1).</summary>
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>True when a running sum over a whole message, checksum field included, verifies: its fold is
    /// all ones (RFC 1071 §1 "to check a checksum"). Negative zero (0x0000 vs 0xFFFF) is accepted either way.</summary>
    public static bool Verifies(uint sum) => Fold(sum) == 0xFFFF;

    /// <summary>The running sum of the IPv4 pseudo-header for TCP/UDP (RFC 9293 §3.1 "Checksum": source,
    /// destination, zero, protocol, TCP length). <paramref name="length"/> is the header plus data length.</summary>
    public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int length)
    {
        ulong acc = (source.Value >> 16) + (source.Value & 0xFFFF)
                  + (destination.Value >> 16) + (destination.Value & 0xFFFF)
                  + (byte)protocol + (uint)(length & 0xFFFF);
        return Reduce(acc);
    }

    /// <summary>
    /// The checksum after one 16-bit word of the message changed from <paramref name="oldWord"/> to
    /// <paramref name="newWord"/>, without summing the message again: HC' = ~(~HC + ~m + m') (RFC 1624 §3, eqn. 3).
    /// </summary>
    public static ushort Update(ushort checksum, ushort oldWord, ushort newWord)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldWord + newWord;
        return (ushort)~Fold(sum);
    }

    private static uint Reduce(ulong acc)
    {
        while (acc > 0xFFFF) acc = (acc & 0xFFFF) + (acc >> 16);
        return (uint)acc;
    }
}
