using System.Buffers.Binary;
using System.IO.Hashing;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// Buffered reader of RDB primitives from an untrusted stream. Every Try method returns false on
/// failure after recording the first failure (status, message, byte offset); it never throws for
/// bad bytes and never allocates more than the bytes actually present (plus one chunk), whatever
/// a length claims. Keeps the CRC-64 of the bytes consumed. Single-threaded; blocks on the stream.
/// </summary>
internal sealed class RdbInput
{
    private const int BufferSize = 64 * 1024;
    private const int ChunkSize = 1 << 20;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly Crc64 _crc = Crc64Jones.Create();
    private int _pos, _end, _crcPos;
    private long _bufferStart;
    private bool _eof;

    /// <summary>Bytes the stream held from where reading started, or -1 when it cannot say (not seekable).</summary>
    private readonly long _knownLength;

    public RdbInput(Stream stream, long maxStringBytes)
    {
        _stream = stream;
        MaxStringBytes = maxStringBytes;
        _knownLength = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1; // asked once: a syscall for files
    }

    /// <summary>Longest string accepted (a longer claimed length is Corrupt).</summary>
    public long MaxStringBytes { get; }

    /// <summary>Offset of the next byte to read, from the start of the stream as given.</summary>
    public long Position => _bufferStart + _pos;

    public RdbReadStatus Status { get; private set; } = RdbReadStatus.Ok;

    public string? Message { get; private set; }

    public long ErrorOffset { get; private set; }

    /// <summary>Records the first failure; always returns false so callers can <c>return Fail(...)</c>.</summary>
    public bool Fail(RdbReadStatus status, string message, long offset = -1)
    {
        if (Status != RdbReadStatus.Ok) return false;
        Status = status;
        ErrorOffset = offset < 0 ? Position : offset;
        Message = $"{message} at offset {ErrorOffset}";
        return false;
    }

    /// <summary>CRC-64 of every byte consumed so far.</summary>
    public ulong ChecksumSoFar()
    {
        _crc.Append(_buffer.AsSpan(_crcPos, _pos - _crcPos));
        _crcPos = _pos;
        return _crc.GetCurrentHashAsUInt64();
    }

    public bool TryReadByte(out byte b)
    {
        if (_pos == _end && !Fill())
        {
            b = 0;
            return Fail(RdbReadStatus.Truncated, "unexpected end of input");
        }
        b = _buffer[_pos++];
        return true;
    }

    public bool TryReadExact(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_pos == _end && !Fill()) return Fail(RdbReadStatus.Truncated, "unexpected end of input");
            int n = Math.Min(destination.Length, _end - _pos);
            _buffer.AsSpan(_pos, n).CopyTo(destination);
            _pos += n;
            destination = destination[n..];
        }
        return true;
    }

    /// <summary>Reads <paramref name="length"/> bytes, growing the array only as bytes arrive.</summary>
    public bool TryReadBytes(long length, out byte[] bytes, long at = -1)
    {
        bytes = [];
        if (at < 0) at = Position;
        if (length < 0 || length > MaxStringBytes || length > Array.MaxLength)
            return Fail(RdbReadStatus.Corrupt, $"string length {length} beyond the limit", at);
        if (_knownLength >= 0 && length > _knownLength - Position)
            return Fail(RdbReadStatus.Truncated, $"string of {length} bytes runs past the end", at);
        var result = new byte[Math.Min(length, ChunkSize)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == result.Length) Array.Resize(ref result, (int)Math.Min(length, (long)result.Length * 2));
            int n = Math.Min(result.Length - filled, ChunkSize);
            if (!TryReadExact(result.AsSpan(filled, n))) return false;
            filled += n;
        }
        bytes = result;
        return true;
    }

    /// <summary>rdbLoadLenByRef: a length, or (encoded = true) the special-encoding number after a 0b11 tag.</summary>
    public bool TryReadLength(out ulong length, out bool encoded)
    {
        length = 0;
        encoded = false;
        if (!TryReadByte(out byte b)) return false;
        Span<byte> buf = stackalloc byte[8];
        switch (b >> 6)
        {
            case 0: length = (ulong)(b & 0x3F); return true;
            case 1:
                if (!TryReadByte(out byte b2)) return false;
                length = (ulong)(((b & 0x3F) << 8) | b2);
                return true;
            case 2:
                if (b == RdbFormat.Len32)
                {
                    if (!TryReadExact(buf[..4])) return false;
                    length = BinaryPrimitives.ReadUInt32BigEndian(buf);
                    return true;
                }
                if (b == RdbFormat.Len64)
                {
                    if (!TryReadExact(buf)) return false;
                    length = BinaryPrimitives.ReadUInt64BigEndian(buf);
                    return true;
                }
                return Fail(RdbReadStatus.Corrupt, $"unknown length encoding 0x{b:x2}", Position - 1);
            default:
                encoded = true;
                length = (ulong)(b & 0x3F);
                return true;
        }
    }

    /// <summary>A plain length (no special encoding allowed), at most <paramref name="max"/>.</summary>
    public bool TryReadLength(ulong max, string what, out ulong length)
    {
        long at = Position;
        if (!TryReadLength(out length, out bool encoded)) return false;
        if (encoded) return Fail(RdbReadStatus.Corrupt, $"{what}: unexpected string encoding", at);
        if (length > max) return Fail(RdbReadStatus.Corrupt, $"{what} {length} beyond the limit", at);
        return true;
    }

    /// <summary>An element count: a length that fits an int (each element needs at least one more byte anyway).</summary>
    public bool TryReadCount(string what, out int count)
    {
        count = 0;
        if (!TryReadLength(int.MaxValue, what, out ulong len)) return false;
        count = (int)len;
        return true;
    }

    /// <summary>rdbGenericLoadStringObject: raw, int-encoded (8/16/32) or LZF-compressed string.</summary>
    public bool TryReadString(out byte[] value)
    {
        value = [];
        long at = Position;
        if (!TryReadLength(out ulong len, out bool encoded)) return false;
        if (!encoded) return TryReadBytes(len > long.MaxValue ? -1 : (long)len, out value, at);
        Span<byte> buf = stackalloc byte[4];
        switch ((int)len)
        {
            case RdbFormat.EncInt8:
                if (!TryReadExact(buf[..1])) return false;
                value = RedisNumbers.FormatInt64((sbyte)buf[0]);
                return true;
            case RdbFormat.EncInt16:
                if (!TryReadExact(buf[..2])) return false;
                value = RedisNumbers.FormatInt64(BinaryPrimitives.ReadInt16LittleEndian(buf));
                return true;
            case RdbFormat.EncInt32:
                if (!TryReadExact(buf)) return false;
                value = RedisNumbers.FormatInt64(BinaryPrimitives.ReadInt32LittleEndian(buf));
                return true;
            case RdbFormat.EncLzf:
                return TryReadLzf(at, out value);
            default:
                return Fail(RdbReadStatus.Corrupt, $"unknown string encoding {len}", at);
        }
    }

    /// <summary>8-byte little-endian IEEE double (RDB_TYPE_ZSET_2 scores).</summary>
    public bool TryReadBinaryDouble(out double value)
    {
        value = 0;
        Span<byte> buf = stackalloc byte[8];
        if (!TryReadExact(buf)) return false;
        value = BinaryPrimitives.ReadDoubleLittleEndian(buf);
        return true;
    }

    /// <summary>rdbLoadDoubleValue: length byte (253 nan, 254 +inf, 255 -inf) then that many ASCII bytes.</summary>
    public bool TryReadStringDouble(out double value)
    {
        value = 0;
        long at = Position;
        if (!TryReadByte(out byte len)) return false;
        if (len == 253) value = double.NaN;
        else if (len == 254) value = double.PositiveInfinity;
        else if (len == 255) value = double.NegativeInfinity;
        else
        {
            Span<byte> buf = stackalloc byte[len];
            if (!TryReadExact(buf)) return false;
            if (!RedisNumbers.TryParseDouble(buf, out value)) return Fail(RdbReadStatus.Corrupt, "bad double value", at);
        }
        return true;
    }

    private bool TryReadLzf(long at, out byte[] value)
    {
        value = [];
        if (!TryReadLength(int.MaxValue, "compressed length", out ulong clen)) return false;
        if (!TryReadLength(int.MaxValue, "uncompressed length", out ulong ulen)) return false;
        // One LZF back-reference (3 bytes at most) expands to at most 264 bytes.
        if (ulen == 0 || clen == 0 || (long)ulen > MaxStringBytes || ulen > clen * 90 + 64)
            return Fail(RdbReadStatus.Corrupt, $"LZF lengths {clen} -> {ulen} impossible", at);
        if (!TryReadBytes((long)clen, out byte[] compressed)) return false;
        var output = new byte[ulen];
        if (!Lzf.TryDecompress(compressed, output)) return Fail(RdbReadStatus.Corrupt, "invalid LZF data", at);
        value = output;
        return true;
    }

    private bool Fill()
    {
        if (_eof) return false;
        _crc.Append(_buffer.AsSpan(_crcPos, _pos - _crcPos));
        _bufferStart += _end;
        _pos = _end = _crcPos = 0;
        int n;
        try
        {
            n = _stream.Read(_buffer, 0, BufferSize);
        }
        catch (IOException e)
        {
            _eof = true;
            return Fail(RdbReadStatus.IoError, "read failed: " + e.Message);
        }
        if (n <= 0)
        {
            _eof = true;
            return false;
        }
        _end = n;
        return true;
    }
}

