using System.Buffers.Binary;
using System.IO.Hashing;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// Buffered RDB primitive writer over a stream that keeps the running CRC-64 of every byte
/// written. Single-threaded; blocks on the stream when its buffer fills.
/// </summary>
internal sealed class RdbOutput
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly Crc64 _crc = Crc64Jones.Create();
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _used;

    public RdbOutput(Stream stream, bool compress)
    {
        _stream = stream;
        Compress = compress;
    }

    /// <summary>Whether strings longer than 20 bytes are LZF-compressed when that saves space (rdbcompression).</summary>
    public bool Compress { get; }

    /// <summary>CRC-64 of everything written so far.</summary>
    public ulong Checksum
    {
        get
        {
            Flush();
            return _crc.GetCurrentHashAsUInt64();
        }
    }

    public void WriteByte(byte b)
    {
        if (_used == BufferSize) Flush();
        _buffer[_used++] = b;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_used == BufferSize) Flush();
            int n = Math.Min(data.Length, BufferSize - _used);
            data[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            data = data[n..];
        }
    }

    /// <summary>Writes bytes that are not part of the checksum (the trailer itself): flushes first.</summary>
    public void WriteUnchecked(ReadOnlySpan<byte> data)
    {
        Flush();
        _stream.Write(data);
        _stream.Flush();
    }

    /// <summary>rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length.</summary>
    public void WriteLength(ulong len)
    {
        Span<byte> b = stackalloc byte[9];
        if (len < 1 << 6) WriteByte((byte)len);
        else if (len < 1 << 14)
        {
            b[0] = (byte)(0x40 | (len >> 8));
            b[1] = (byte)len;
            Write(b[..2]);
        }
        else if (len <= uint.MaxValue)
        {
            b[0] = RdbFormat.Len32;
            BinaryPrimitives.WriteUInt32BigEndian(b[1..], (uint)len);
            Write(b[..5]);
        }
        else
        {
            b[0] = RdbFormat.Len64;
            BinaryPrimitives.WriteUInt64BigEndian(b[1..], len);
            Write(b);
        }
    }

    /// <summary>rdbSaveRawString: int-encoded when short and canonical, LZF when it helps, else raw.</summary>
    public void WriteString(ReadOnlySpan<byte> s)
    {
        if (s.Length <= 11 && RedisNumbers.TryParseInt64(s, out long v) && TryWriteInteger(v)) return;
        if (Compress && s.Length > 20 && TryWriteLzf(s)) return;
        WriteLength((ulong)s.Length);
        Write(s);
    }

    /// <summary>rdbSaveBinaryDoubleValue: 8 bytes little-endian IEEE 754.</summary>
    public void WriteBinaryDouble(double d)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, d);
        Write(b);
    }

    public void WriteUInt64LittleEndian(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        Write(b);
    }

    public void Flush()
    {
        if (_used == 0) return;
        _crc.Append(_buffer.AsSpan(0, _used));
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    private bool TryWriteInteger(long v)
    {
        Span<byte> b = stackalloc byte[5];
        int n;
        if (v >= sbyte.MinValue && v <= sbyte.MaxValue)
        {
            b[0] = (RdbFormat.EncVal << 6) | RdbFormat.EncInt8;
            b[1] = (byte)v;
            n = 2;
        }
        else if (v >= short.MinValue && v <= short.MaxValue)
        {
            b[0] = (RdbFormat.EncVal << 6) | RdbFormat.EncInt16;
            BinaryPrimitives.WriteInt16LittleEndian(b[1..], (short)v);
            n = 3;
        }
        else if (v >= int.MinValue && v <= int.MaxValue)
        {
            b[0] = (RdbFormat.EncVal << 6) | RdbFormat.EncInt32;
            BinaryPrimitives.WriteInt32LittleEndian(b[1..], (int)v);
            n = 5;
        }
        else return false;
        Write(b[..n]);
        return true;
    }

    private bool TryWriteLzf(ReadOnlySpan<byte> s)
    {
        var compressed = new byte[s.Length - 4];
        int n = Lzf.Compress(s, compressed);
        if (n == 0) return false;
        WriteByte((RdbFormat.EncVal << 6) | RdbFormat.EncLzf);
        WriteLength((ulong)n);
        WriteLength((ulong)s.Length);
        Write(compressed.AsSpan(0, n));
        return true;
    }
}
