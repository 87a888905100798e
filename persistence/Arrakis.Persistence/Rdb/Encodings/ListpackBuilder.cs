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
        if (RedisNumbers.TryParseInt64(element, out long v)) encLen = ListpackEncoding.EncodeInt(v, enc);
        else
        {
            encLen = ListpackEncoding.EncodeStringHeader(element.Length, enc);
            payload = element;
        }
        long entryLen = (long)encLen + payload.Length;
        Span<byte> back = stackalloc byte[5];
        int backLen = ListpackEncoding.EncodeBacklen((ulong)entryLen, back);
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

    private void Ensure(long extra)
    {
        long need = _length + extra;
        if (need <= _buffer.Length) return;
        if (need > Array.MaxLength) throw new InvalidOperationException("listpack larger than an array");
        Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(need, (long)_buffer.Length * 2)));
    }
}
