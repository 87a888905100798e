using System.Buffers.Binary;
using Arrakis.Persistence.Rdb.Encodings;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// Redis's listpack format over a byte array with spare capacity: header (total bytes u32 LE, element
/// count u16 LE, 65535 when unknown), elements (integer encodings for canonical int64 strings,
/// 6/12/32-bit length strings) each followed by its back-length, then 0xFF. The header's total is
/// the used length; bytes after it are spare. Positions are byte offsets of elements.
/// </summary>
/// <remarks>Not thread-safe; the stream that owns the array is guarded by its key's stripe.</remarks>
internal static class Listpack
{
    public const int HeaderSize = 6;
    public const byte End = 0xFF;

    /// <summary>An empty listpack with room for <paramref name="capacity"/> bytes.</summary>
    public static byte[] New(int capacity = 64)
    {
        var lp = new byte[Math.Max(capacity, HeaderSize + 1)];
        BinaryPrimitives.WriteUInt32LittleEndian(lp, HeaderSize + 1);
        lp[HeaderSize] = End;
        return lp;
    }

    public static int Bytes(byte[] lp) => (int)BinaryPrimitives.ReadUInt32LittleEndian(lp);

    public static int First => HeaderSize;

    /// <summary>True when <paramref name="pos"/> is the terminator.</summary>
    public static bool AtEnd(byte[] lp, int pos) => lp[pos] == End;

    /// <summary>Decodes the element at <paramref name="pos"/>: an integer (returns true) or a string at [start, start+len).</summary>
    public static bool Get(byte[] lp, int pos, out long value, out int start, out int len)
    {
        byte b = lp[pos];
        start = 0;
        len = 0;
        value = 0;
        if ((b & 0x80) == 0) { value = b; return true; }
        if ((b & 0xC0) == 0x80) { start = pos + 1; len = b & 0x3F; return false; }
        if ((b & 0xE0) == 0xC0)
        {
            int u = ((b & 0x1F) << 8) | lp[pos + 1];
            value = u >= 4096 ? u - 8192 : u;
            return true;
        }
        if ((b & 0xF0) == 0xE0) { start = pos + 2; len = ((b & 0x0F) << 8) | lp[pos + 1]; return false; }
        if (b == 0xF0) { start = pos + 5; len = (int)BinaryPrimitives.ReadUInt32LittleEndian(lp.AsSpan(pos + 1)); return false; }
        int size = b switch { 0xF1 => 2, 0xF2 => 3, 0xF3 => 4, _ => 8 };
        ulong raw = 0;
        for (int i = 0; i < size; i++) raw |= (ulong)lp[pos + 1 + i] << (8 * i);
        int bits = size * 8;
        value = bits == 64 ? (long)raw : ((long)(raw << (64 - bits))) >> (64 - bits);
        return true;
    }

    /// <summary>The element at <paramref name="pos"/> as an integer (stream metadata elements always are).</summary>
    public static long GetInteger(byte[] lp, int pos)
    {
        if (Get(lp, pos, out long v, out int start, out int len)) return v;
        RespNumber.TryParseInt64(lp.AsSpan(start, len), out v);
        return v;
    }

    /// <summary>The element at <paramref name="pos"/> as bytes (integers in decimal).</summary>
    public static ReadOnlySpan<byte> GetBytes(byte[] lp, int pos, Span<byte> scratch)
    {
        if (!Get(lp, pos, out long v, out int start, out int len)) return lp.AsSpan(start, len);
        v.TryFormat(scratch, out int n, default, System.Globalization.CultureInfo.InvariantCulture);
        return scratch[..n];
    }

    /// <summary>Position of the element after the one at <paramref name="pos"/>.</summary>
    public static int Next(byte[] lp, int pos)
    {
        int entry = EntryLength(lp, pos);
        return pos + entry + ListpackEncoding.BacklenSize((ulong)entry);
    }

    /// <summary>Position of the element before the one at <paramref name="pos"/> (pos may be the terminator); -1 at the first.</summary>
    public static int Prev(byte[] lp, int pos)
    {
        if (pos <= HeaderSize) return -1;
        int p = pos - 1;
        ulong val = 0;
        int shift = 0;
        while (true)
        {
            byte b = lp[p];
            val |= (ulong)(b & 127) << shift;
            if ((b & 128) == 0) break;
            shift += 7;
            p--;
        }
        return p - (int)val;
    }

    /// <summary>Appends a string (stored as an integer when it is a canonical int64, as lpAppend does).</summary>
    public static void Append(ref byte[] lp, ReadOnlySpan<byte> element)
    {
        Span<byte> enc = stackalloc byte[9];
        int encLen;
        ReadOnlySpan<byte> payload = default;
        if (element.Length <= 20 && RespNumber.TryParseInt64(element, out long v)) encLen = ListpackEncoding.EncodeInt(v, enc);
        else
        {
            encLen = ListpackEncoding.EncodeStringHeader(element.Length, enc);
            payload = element;
        }
        Insert(ref lp, Bytes(lp) - 1, enc[..encLen], payload, 0);
    }

    public static void AppendInteger(ref byte[] lp, long value)
    {
        Span<byte> enc = stackalloc byte[9];
        int encLen = ListpackEncoding.EncodeInt(value, enc);
        Insert(ref lp, Bytes(lp) - 1, enc[..encLen], default, 0);
    }

    /// <summary>Replaces the element at <paramref name="pos"/> by an integer (the rest moves when the size changes).</summary>
    public static void ReplaceInteger(ref byte[] lp, int pos, long value)
    {
        Span<byte> enc = stackalloc byte[9];
        int encLen = ListpackEncoding.EncodeInt(value, enc);
        int old = EntryLength(lp, pos);
        Insert(ref lp, pos, enc[..encLen], default, old + ListpackEncoding.BacklenSize((ulong)old));
    }

    /// <summary>Number of elements (counted when the header says 65535).</summary>
    public static int Count(byte[] lp)
    {
        int c = BinaryPrimitives.ReadUInt16LittleEndian(lp.AsSpan(4));
        if (c != 65535) return c;
        int n = 0;
        for (int p = HeaderSize; lp[p] != End; p = Next(lp, p)) n++;
        return n;
    }

    /// <summary>The used bytes as an exact array (RDB, DUMP).</summary>
    public static byte[] ToExact(byte[] lp) => lp.AsSpan(0, Bytes(lp)).ToArray();

    /// <summary>Puts an element (header + payload + back-length) at <paramref name="pos"/> in place of <paramref name="removed"/> bytes.</summary>
    private static void Insert(ref byte[] lp, int pos, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> payload, int removed)
    {
        int entry = enc.Length + payload.Length;
        int back = ListpackEncoding.BacklenSize((ulong)entry);
        int added = entry + back;
        int total = Bytes(lp);
        int newTotal = total - removed + added;
        if (newTotal > lp.Length)
        {
            Array.Resize(ref lp, (int)Math.Min(Array.MaxLength, Math.Max(newTotal, (long)lp.Length * 2)));
        }
        int tail = total - (pos + removed);
        Buffer.BlockCopy(lp, pos + removed, lp, pos + added, tail);
        enc.CopyTo(lp.AsSpan(pos));
        payload.CopyTo(lp.AsSpan(pos + enc.Length));
        ListpackEncoding.EncodeBacklen((ulong)entry, lp.AsSpan(pos + entry));
        BinaryPrimitives.WriteUInt32LittleEndian(lp, (uint)newTotal);
        if (removed == 0)
        {
            int c = BinaryPrimitives.ReadUInt16LittleEndian(lp.AsSpan(4));
            if (c < 65535) BinaryPrimitives.WriteUInt16LittleEndian(lp.AsSpan(4), (ushort)(c + 1));
        }
    }

    private static int EntryLength(byte[] lp, int pos)
    {
        byte b = lp[pos];
        if ((b & 0x80) == 0) return 1;
        if ((b & 0xC0) == 0x80) return 1 + (b & 0x3F);
        if ((b & 0xE0) == 0xC0) return 2;
        if ((b & 0xF0) == 0xE0) return 2 + (((b & 0x0F) << 8) | lp[pos + 1]);
        if (b == 0xF0) return 5 + (int)BinaryPrimitives.ReadUInt32LittleEndian(lp.AsSpan(pos + 1));
        return b switch { 0xF1 => 3, 0xF2 => 4, 0xF3 => 5, _ => 9 };
    }
}
