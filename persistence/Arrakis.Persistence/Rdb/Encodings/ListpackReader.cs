using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// Validates and decodes a listpack (as lpValidateIntegrity with deep checks): the header's total
/// matches the blob, every entry's encoding fits, every back-length matches its entry, the 0xFF
/// terminator is last, the header count matches unless it is 65535. Never throws.
/// </summary>
internal static class ListpackReader
{
    /// <summary>Appends each element (integers as their decimal bytes) to <paramref name="output"/>; false when malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> lp, List<byte[]> output)
    {
        if (lp.Length < 7) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(lp) != (uint)lp.Length) return false;
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(lp[4..]);
        int pos = 6, count = 0;
        while (true)
        {
            if (pos >= lp.Length) return false;
            if (lp[pos] == 0xFF) break;
            if (!TryEntry(lp, ref pos, out byte[] element)) return false;
            output.Add(element);
            count++;
        }
        if (pos != lp.Length - 1) return false;
        return declared == 65535 || declared == count;
    }

    private static bool TryEntry(ReadOnlySpan<byte> lp, ref int pos, out byte[] element)
    {
        element = [];
        int start = pos;
        byte b = lp[pos];
        long strLen = -1, intVal = 0;
        int header;
        int avail = lp.Length - pos;
        if ((b & 0x80) == 0) { intVal = b; header = 1; }
        else if ((b & 0xC0) == 0x80) { strLen = b & 0x3F; header = 1; }
        else if ((b & 0xE0) == 0xC0)
        {
            if (avail < 2) return false;
            int u = ((b & 0x1F) << 8) | lp[pos + 1];
            intVal = u >= 4096 ? u - 8192 : u;
            header = 2;
        }
        else if ((b & 0xF0) == 0xE0)
        {
            if (avail < 2) return false;
            strLen = ((b & 0x0F) << 8) | lp[pos + 1];
            header = 2;
        }
        else if (b == 0xF0)
        {
            if (avail < 5) return false;
            strLen = BinaryPrimitives.ReadUInt32LittleEndian(lp[(pos + 1)..]);
            header = 5;
        }
        else
        {
            int size = b switch { 0xF1 => 2, 0xF2 => 3, 0xF3 => 4, 0xF4 => 8, _ => 0 };
            if (size == 0 || avail < 1 + size) return false;
            ulong u = 0;
            for (int i = 0; i < size; i++) u |= (ulong)lp[pos + 1 + i] << (8 * i);
            int bits = size * 8;
            intVal = bits == 64 ? (long)u : ((long)(u << (64 - bits))) >> (64 - bits);
            header = 1 + size;
        }
        long entryLen = header + Math.Max(0, strLen);
        if (entryLen > avail) return false;
        Span<byte> back = stackalloc byte[5];
        int backLen = ListpackEncoding.EncodeBacklen((ulong)entryLen, back);
        if (entryLen + backLen > avail) return false;
        if (!lp.Slice(start + (int)entryLen, backLen).SequenceEqual(back[..backLen])) return false;
        element = strLen >= 0 ? lp.Slice(start + header, (int)strLen).ToArray() : RedisNumbers.FormatInt64(intVal);
        pos = start + (int)entryLen + backLen;
        return true;
    }
}
