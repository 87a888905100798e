using System.Buffers.Binary;

namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// Builds a listpack byte for byte as Redis's lpAppend does: header (total bytes u32 LE, element
/// count u16 LE, 65535 when larger), entries (an integer encoding when the string is a canonical
/// int64, else a 6/12/32-bit length string) each followed by its back-length, then 0xFF.
/// Single-threaded; not reusable after <see cref="ToArray"/>.
/// </summary>
internal sealed class ListpackBuilder
{
    private const int HeaderSize = 6;
    private byte[] _buffer = new byte[64];
    private int _length = HeaderSize;

    /// <summary>Number of entries appended.</summary>
    public int Count { get; private set; }

    /// <summary>The listpack's size in bytes if it were finished now (header, entries, terminator).</summary>
    public int TotalBytes => _length + 1;

    /// <summary>Appends one element (a string, stored as an integer when canonical).</summary>
    public void Append(ReadOnlySpan<byte> element)
    {
        Span<byte> enc = stackalloc byte[9];
        int encLen;
        ReadOnlySpan<byte> payload = default;
        if (RedisNumbers.TryParseInt64(element, out long v)) encLen = EncodeInt(v, enc);
        else
        {
            encLen = EncodeStringHeader(element.Length, enc);
            payload = element;
        }
        long entryLen = (long)encLen + payload.Length;
        Span<byte> back = stackalloc byte[5];
        int backLen = EncodeBacklen((ulong)entryLen, back);
        Ensure(entryLen + backLen);
        enc[..encLen].CopyTo(_buffer.AsSpan(_length));
        _length += encLen;
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;
        back[..backLen].CopyTo(_buffer.AsSpan(_length));
        _length += backLen;
        Count++;
    }

    /// <summary>The finished listpack.</summary>
    public byte[] ToArray()
    {
        Ensure(1);
        _buffer[_length] = 0xFF;
        var result = _buffer.AsSpan(0, _length + 1).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(4), (ushort)Math.Min(Count, 65535));
        return result;
    }

    /// <summary>Builds a listpack of <paramref name="elements"/>.</summary>
    public static byte[] Build(IEnumerable<byte[]> elements)
    {
        var b = new ListpackBuilder();
        foreach (var e in elements) b.Append(e);
        return b.ToArray();
    }

    /// <summary>The back-length bytes of an entry of <paramref name="l"/> bytes (lpEncodeBacklen).</summary>
    public static int EncodeBacklen(ulong l, Span<byte> buf)
    {
        int n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
        for (int i = 0; i < n; i++)
        {
            int shift = 7 * (n - 1 - i);
            byte b = (byte)((l >> shift) & 127);
            buf[i] = i == 0 ? b : (byte)(b | 128);
        }
        return n;
    }

    private static int EncodeInt(long v, Span<byte> enc)
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

    private static int EncodeStringHeader(int len, Span<byte> enc)
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

    private void Ensure(long extra)
    {
        long need = _length + extra;
        if (need <= _buffer.Length) return;
        if (need > Array.MaxLength) throw new InvalidOperationException("listpack larger than an array");
        Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(need, (long)_buffer.Length * 2)));
    }
}
