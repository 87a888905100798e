using System.Globalization;
using System.Text;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Rdb;

/// <summary>
/// Writes an RDB version 10 file as Redis 7.0 does. Call order: <see cref="WriteHeader"/>, then per
/// database <see cref="SelectDb"/> followed by its <see cref="WriteEntry"/> calls, then
/// <see cref="Finish"/> (EOF opcode + CRC-64). Single-threaded, synchronous, buffered: the stream
/// sees the bytes by <see cref="Finish"/> at the latest. Does not own or close the stream.
/// </summary>
public sealed class RdbWriter
{
    private readonly RdbOutput _out;
    private bool _finished;

    /// <param name="output">Destination stream.</param>
    /// <param name="compress">rdbcompression: LZF for strings over 20 bytes when it saves space.</param>
    public RdbWriter(Stream output, bool compress = true) => _out = new RdbOutput(output, compress);

    /// <summary>The AUX fields Redis 7.0 writes: redis-ver, redis-bits, ctime, used-mem, aof-base.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DefaultAux(string redisVersion, long ctimeSeconds, long usedMemory, bool aofBase = false) =>
    [
        new("redis-ver", redisVersion),
        new("redis-bits", "64"),
        new("ctime", ctimeSeconds.ToString(CultureInfo.InvariantCulture)),
        new("used-mem", usedMemory.ToString(CultureInfo.InvariantCulture)),
        new("aof-base", aofBase ? "1" : "0"),
    ];

    /// <summary>Writes "REDIS0010" and the AUX fields (<see cref="DefaultAux"/> for version 7.0.15 and now when null).</summary>
    public void WriteHeader(IEnumerable<KeyValuePair<string, string>>? aux = null)
    {
        _out.Write("REDIS0010"u8);
        aux ??= DefaultAux("7.0.15", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 0);
        foreach (var (k, v) in aux)
        {
            _out.WriteByte(RdbFormat.OpAux);
            _out.WriteString(Encoding.UTF8.GetBytes(k));
            _out.WriteString(Encoding.UTF8.GetBytes(v));
        }
    }

    /// <summary>A function library (FUNCTION2 opcode and its code), written after the header as Redis 7.0 does.</summary>
    public void WriteFunction(ReadOnlySpan<byte> code)
    {
        _out.WriteByte(RdbFormat.OpFunction2);
        _out.WriteString(code);
    }

    /// <summary>SELECTDB then RESIZEDB with the key and expiry counts (size hints for the loader).</summary>
    public void SelectDb(int db, long keys, long expires)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(db);
        _out.WriteByte(RdbFormat.OpSelectDb);
        _out.WriteLength((ulong)db);
        _out.WriteByte(RdbFormat.OpResizeDb);
        _out.WriteLength((ulong)Math.Max(0, keys));
        _out.WriteLength((ulong)Math.Max(0, expires));
    }

    /// <summary>
    /// One key: [EXPIRETIME_MS] [IDLE] type key value. <paramref name="expireAtMs"/> is absolute
    /// Unix milliseconds, 0 for none; <paramref name="idleSeconds"/> &lt; 0 writes no IDLE.
    /// Throws ArgumentException for an empty aggregate.
    /// </summary>
    public void WriteEntry(ReadOnlySpan<byte> key, RdbValue value, long expireAtMs = 0, long idleSeconds = -1)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        byte type = RdbValueEncoder.TypeOf(value);
        WriteEntryHead(type, key, expireAtMs, idleSeconds);
        RdbValueEncoder.WriteBody(_out, value, type);
    }

    /// <summary>One string key, as <see cref="WriteEntry"/> writes it, without an <see cref="RdbValue"/> (a snapshot's strings).</summary>
    public void WriteStringEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAtMs = 0)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        WriteEntryHead(RdbFormat.TypeString, key, expireAtMs, idleSeconds: -1);
        _out.WriteString(value);
    }

    private void WriteEntryHead(byte type, ReadOnlySpan<byte> key, long expireAtMs, long idleSeconds)
    {
        if (expireAtMs != 0)
        {
            _out.WriteByte(RdbFormat.OpExpireTimeMs);
            _out.WriteUInt64LittleEndian((ulong)expireAtMs);
        }
        if (idleSeconds >= 0)
        {
            _out.WriteByte(RdbFormat.OpIdle);
            _out.WriteLength((ulong)idleSeconds);
        }
        _out.WriteByte(type);
        _out.WriteString(key);
    }

    /// <summary>Writes EOF and the little-endian CRC-64 of everything before it, and flushes the stream.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _out.WriteByte(RdbFormat.OpEof);
        Span<byte> crc = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(crc, _out.Checksum);
        _out.WriteUnchecked(crc);
        _finished = true;
    }
}
