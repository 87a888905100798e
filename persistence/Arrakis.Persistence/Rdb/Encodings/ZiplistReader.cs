using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// Decodes the ziplists older Redis versions wrote (lists, hashes, zsets before 7.0): zlbytes u32,
/// zltail u32, zllen u16, entries of (prevlen 1 or 0xFE+u32, encoding, data), 0xFF. Checks sizes,
/// prevlens, zltail and the count (unless 65535). Never throws. Read only: Redis 7.0 never writes it.
/// </summary>
internal static class ZiplistReader
{
    /// <summary>Appends each element (integers as decimal bytes); false when malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> zl, List<byte[]> output)
    {
        if (zl.Length < 11) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(zl) != (uint)zl.Length) return false;
        uint tail = BinaryPrimitives.ReadUInt32LittleEndian(zl[4..]);
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(zl[8..]);
        int pos = 10, count = 0, prevLen = 0, lastStart = 10;
        while (true)
        {
            if (pos >= zl.Length) return false;
            if (zl[pos] == 0xFF) break;
            int start = pos;
            if (!TryEntry(zl, ref pos, prevLen, out byte[] element)) return false;
            output.Add(element);
            prevLen = pos - start;
            lastStart = start;
            count++;
        }
        if (pos != zl.Length - 1) return false;
        if (count > 0 ? tail != (uint)lastStart : tail != 10) return false;
        return declared == 65535 || declared == count;
    }

    private static bool TryEntry(ReadOnlySpan<byte> zl, ref int pos, int expectedPrev, out byte[] element)
    {
        element = [];
        int p = pos;
        long prev;
        if (zl[p] < 254) prev = zl[p++];
        else if (zl[p] == 254)
        {
            if (p + 5 > zl.Length) return false;
            prev = BinaryPrimitives.ReadUInt32LittleEndian(zl[(p + 1)..]);
            p += 5;
        }
        else return false;
        if (prev != expectedPrev) return false;
        if (p >= zl.Length) return false;
        byte b = zl[p];
        long strLen = -1;
        int intSize = 0;
        switch (b >> 6)
        {
            case 0: strLen = b & 0x3F; p += 1; break;
            case 1:
                if (p + 2 > zl.Length) return false;
                strLen = ((b & 0x3F) << 8) | zl[p + 1];
                p += 2;
                break;
            case 2:
                if (b != 0x80 || p + 5 > zl.Length) return false;
                strLen = BinaryPrimitives.ReadUInt32BigEndian(zl[(p + 1)..]);
                p += 5;
                break;
            default:
                intSize = b switch { 0xC0 => 2, 0xD0 => 4, 0xE0 => 8, 0xF0 => 3, 0xFE => 1, _ => 0 };
                if (intSize == 0 && (b < 0xF1 || b > 0xFD)) return false;
                p += 1;
                break;
        }
        if (strLen >= 0)
        {
            if (strLen > zl.Length - p) return false;
            element = zl.Slice(p, (int)strLen).ToArray();
            pos = p + (int)strLen;
            return true;
        }
        if (intSize == 0)
        {
            element = RedisNumbers.FormatInt64((b & 0x0F) - 1);
            pos = p;
            return true;
        }
        if (p + intSize > zl.Length) return false;
        ulong u = 0;
        for (int i = 0; i < intSize; i++) u |= (ulong)zl[p + i] << (8 * i);
        int bits = intSize * 8;
        long v = bits == 64 ? (long)u : ((long)(u << (64 - bits))) >> (64 - bits);
        element = RedisNumbers.FormatInt64(v);
        pos = p + intSize;
        return true;
    }
}
