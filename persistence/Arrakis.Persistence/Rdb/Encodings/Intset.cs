using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// Redis's intset: encoding u32 LE (2, 4 or 8 = bytes per value, the smallest that fits every
/// value), length u32 LE, then the values sorted ascending, unique, little-endian.
/// </summary>
internal static class Intset
{
    /// <summary>Builds an intset of <paramref name="values"/> (any order; duplicates removed).</summary>
    public static byte[] Encode(IEnumerable<long> values)
    {
        var sorted = values.Distinct().Order().ToArray();
        int width = 2;
        foreach (long v in sorted)
        {
            if (v < int.MinValue || v > int.MaxValue) width = 8;
            else if ((v < short.MinValue || v > short.MaxValue) && width < 4) width = 4;
        }
        var result = new byte[8 + sorted.Length * width];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            var slot = result.AsSpan(8 + i * width);
            if (width == 2) BinaryPrimitives.WriteInt16LittleEndian(slot, (short)sorted[i]);
            else if (width == 4) BinaryPrimitives.WriteInt32LittleEndian(slot, (int)sorted[i]);
            else BinaryPrimitives.WriteInt64LittleEndian(slot, sorted[i]);
        }
        return result;
    }

    /// <summary>
    /// Decodes and validates (intsetValidateIntegrity with deep checks: known encoding, exact size,
    /// strictly ascending, non-empty). Appends members as decimal bytes.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, List<byte[]> output)
    {
        if (blob.Length < 8) return false;
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        if (width != 2 && width != 4 && width != 8) return false;
        if (count == 0 || (ulong)count * width + 8 != (ulong)blob.Length) return false;
        long previous = 0;
        for (int i = 0; i < (int)count; i++)
        {
            var slot = blob[(8 + i * (int)width)..];
            long v = width == 2 ? BinaryPrimitives.ReadInt16LittleEndian(slot)
                : width == 4 ? BinaryPrimitives.ReadInt32LittleEndian(slot) : BinaryPrimitives.ReadInt64LittleEndian(slot);
            if (i > 0 && v <= previous) return false;
            previous = v;
            output.Add(RedisNumbers.FormatInt64(v));
        }
        return true;
    }
}
