namespace Arrakis.Server.Commands.Hashes;

/// <summary>
/// Field/value pairs packed into one byte array in insertion order: [varint length][field]
/// [varint length][value]... The small-hash representation (Redis's listpack idea): one object per
/// hash instead of two arrays per field. Lookups scan; writes rebuild the array (small by construction).
/// </summary>
internal static class PackedPairs
{
    public static int WriteVarint(Span<byte> dest, int value)
    {
        int n = 0;
        uint v = (uint)value;
        while (v >= 0x80)
        {
            dest[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        dest[n++] = (byte)v;
        return n;
    }

    public static int VarintSize(int value)
    {
        int n = 1;
        uint v = (uint)value;
        while (v >= 0x80)
        {
            n++;
            v >>= 7;
        }
        return n;
    }

    public static int ReadVarint(ReadOnlySpan<byte> src, scoped ref int pos)
    {
        int result = 0, shift = 0;
        while (true)
        {
            byte b = src[pos++];
            result |= (b & 0x7F) << shift;
            if (b < 0x80) return result;
            shift += 7;
        }
    }

    /// <summary>Reads the item at <paramref name="pos"/> and moves past it.</summary>
    public static ReadOnlySpan<byte> ReadItem(ReadOnlySpan<byte> src, scoped ref int pos)
    {
        int len = ReadVarint(src, ref pos);
        var item = src.Slice(pos, len);
        pos += len;
        return item;
    }

    public static int ItemSize(int length) => VarintSize(length) + length;

    public static int WriteItem(Span<byte> dest, ReadOnlySpan<byte> item)
    {
        int n = WriteVarint(dest, item.Length);
        item.CopyTo(dest[n..]);
        return n + item.Length;
    }
}
