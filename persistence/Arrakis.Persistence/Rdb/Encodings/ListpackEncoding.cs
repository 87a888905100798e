using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>The byte encodings of one listpack entry as Redis 7.0's listpack.c writes them: integer
/// and string headers, and the back-length that ends every entry. Shared by the RDB builder and the
/// server's stream nodes. Stateless; the caller gives room (11 bytes for a header, 5 for a back-length).</summary>
public static class ListpackEncoding
{
    /// <summary>How many bytes the back-length of an entry of <paramref name="l"/> bytes takes.</summary>
    public static int BacklenSize(ulong l) => l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;

    /// <summary>The back-length bytes of an entry of <paramref name="l"/> bytes (lpEncodeBacklen); returns their count.</summary>
    public static int EncodeBacklen(ulong l, Span<byte> buf)
    {
        int n = BacklenSize(l);
        for (int i = 0; i < n; i++)
        {
            int shift = 7 * (n - 1 - i);
            byte b = (byte)((l >> shift) & 127);
            buf[i] = i == 0 ? b : (byte)(b | 128);
        }
        return n;
    }

    /// <summary>The smallest integer encoding of <paramref name="v"/>; returns its length.</summary>
    public static int EncodeInt(long v, Span<byte> enc)
    {
        if (v >= 0 && v <= 127)
        {
            enc[0] = (byte)v;
            return 1;
        }
        if (v >= -4096 && v <= 4095)
        {
            ulong u = (ulong)v & 0x1FFF;
            enc[0] = (byte)(0xC0 | (u >> 8));
            enc[1] = (byte)u;
            return 2;
        }
        int size = v >= short.MinValue && v <= short.MaxValue ? 2 : v >= -8388608 && v <= 8388607 ? 3
            : v >= int.MinValue && v <= int.MaxValue ? 4 : 8;
        enc[0] = size switch { 2 => 0xF1, 3 => 0xF2, 4 => 0xF3, _ => 0xF4 };
        for (int i = 0; i < size; i++) enc[1 + i] = (byte)((ulong)v >> (8 * i));
        return 1 + size;
    }

    /// <summary>The header of a string of <paramref name="len"/> bytes (6, 12 or 32-bit length); returns its length.</summary>
    public static int EncodeStringHeader(int len, Span<byte> enc)
    {
        if (len < 64)
        {
            enc[0] = (byte)(0x80 | len);
            return 1;
        }
        if (len < 4096)
        {
            enc[0] = (byte)(0xE0 | (len >> 8));
            enc[1] = (byte)len;
            return 2;
        }
        enc[0] = 0xF0;
        BinaryPrimitives.WriteUInt32LittleEndian(enc[1..], (uint)len);
        return 5;
    }
}
