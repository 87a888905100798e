using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// Decodes the zipmaps Redis 2.x wrote for small hashes (RDB type 9): zmlen byte (the count when
/// below 254), then entries of key length, key, value length, free byte, value, free padding;
/// lengths are one byte below 254, else 254 then u32 LE; 0xFF ends it. Never throws. Read only.
/// </summary>
internal static class ZipmapReader
{
    private const int BigLen = 254;
    private const byte End = 0xFF;

    /// <summary>Appends key, value, key, value... to <paramref name="output"/>; false when malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> zm, List<byte[]> output)
    {
        if (zm.Length < 2) return false;
        int declared = zm[0];
        int pos = 1, count = 0;
        while (true)
        {
            if (pos >= zm.Length) return false;
            if (zm[pos] == End) break;
            if (!TryLength(zm, ref pos, out int keyLen) || keyLen > zm.Length - pos) return false;
            output.Add(zm.Slice(pos, keyLen).ToArray());
            pos += keyLen;
            if (!TryLength(zm, ref pos, out int valueLen) || pos >= zm.Length) return false;
            int free = zm[pos++];
            if ((long)valueLen + free > zm.Length - pos) return false;
            output.Add(zm.Slice(pos, valueLen).ToArray());
            pos += valueLen + free;
            count++;
        }
        if (pos != zm.Length - 1) return false;
        return declared >= BigLen || declared == count;
    }

    private static bool TryLength(ReadOnlySpan<byte> zm, ref int pos, out int length)
    {
        length = 0;
        if (pos >= zm.Length) return false;
        int b = zm[pos];
        if (b < BigLen)
        {
            length = b;
            pos++;
            return true;
        }
        if (b != BigLen || pos + 5 > zm.Length) return false;
        uint l = BinaryPrimitives.ReadUInt32LittleEndian(zm[(pos + 1)..]);
        if (l > int.MaxValue) return false;
        length = (int)l;
        pos += 5;
        return true;
    }
}
