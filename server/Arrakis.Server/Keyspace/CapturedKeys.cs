using System.Buffers.Binary;
using Arrakis.IoBypass.Memory;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// One stripe's keys as a snapshot captured them (copy on first lock), for the snapshot's writer to serialize
/// after the stripe is let go. Each key goes into off-heap chunks as an entry: its expiry, its key and, for a
/// value held as bytes (a string, inline or not; a packed hash or sorted set), the value's bytes; any other
/// value is deep-copied. Off the managed heap because the copies of a whole keyspace can pile up before the
/// writer takes them: as managed arrays (the slot and record pages copied as they were) they set off 25-27
/// young and pinned-heap collections during a BGSAVE of 1M keys, and writes stalled 75-110 ms.
/// <see cref="Dispose"/> (the writer, once serialized) returns the memory.
/// </summary>
/// <remarks>
/// An entry: kind (int32: <see cref="KeyTable.InlineString"/>, <see cref="KeyTable.PackedHash"/> or
/// <see cref="KeyTable.PackedZSet"/> for a value in bytes, else the index of a deep copy), expiry (int64), key
/// length, value length (int32), key, value. An entry never straddles chunks. The entries of one database form a
/// <see cref="Section"/>. Written by the thread holding the stripe, then read by the writer thread (handed over
/// through a blocking queue, which orders the memory).
/// </remarks>
internal sealed class CapturedKeys(IOffHeapMemory memory) : IDisposable
{
    private const int HeaderBytes = 20;
    private const int MinChunk = 64 * 1024;

    private readonly List<OffHeapBuffer> _chunks = [];
    private readonly List<int> _used = [];
    private readonly List<object> _objects = [];
    private readonly List<Section> _sections = [];
    private long _sectionStart;
    private int _sectionCount, _sectionVolatile;

    /// <summary>The entries of one database, from position <see cref="Start"/> (see <see cref="Read"/>).</summary>
    public readonly record struct Section(int Db, long Start, int Count, int Volatile);

    public IReadOnlyList<Section> Sections => _sections;

    /// <summary>Off-heap bytes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Starts a database's entries; <paramref name="expectedBytes"/> (keys and byte values) is reserved in one chunk.</summary>
    public void BeginSection(long expectedBytes, int expectedKeys)
    {
        Reserve(expectedBytes + (long)expectedKeys * HeaderBytes, exact: true);
        _sectionStart = Position(_chunks.Count - 1, _used[^1]);
        _sectionCount = _sectionVolatile = 0;
    }

    public void EndSection(int db)
    {
        if (_sectionCount > 0) _sections.Add(new Section(db, _sectionStart, _sectionCount, _sectionVolatile));
    }

    /// <summary>A key whose value is held as bytes (<paramref name="kind"/>: a KeyTable inline kind).</summary>
    public void Add(ReadOnlySpan<byte> key, int kind, ReadOnlySpan<byte> value, long expireAt)
    {
        int size = checked(HeaderBytes + key.Length + value.Length);
        Reserve(size, exact: false);
        var span = _chunks[^1].Span.Slice(_used[^1], size);
        BinaryPrimitives.WriteInt32LittleEndian(span, kind);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], expireAt);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], value.Length);
        key.CopyTo(span[HeaderBytes..]);
        value.CopyTo(span[(HeaderBytes + key.Length)..]);
        _used[^1] += size;
        _sectionCount++;
        if (expireAt != 0) _sectionVolatile++;
    }

    /// <summary>A key whose value is an object: <paramref name="copy"/> must be a deep copy nothing else holds.</summary>
    public void AddObject(ReadOnlySpan<byte> key, object copy, long expireAt)
    {
        _objects.Add(copy);
        Add(key, _objects.Count - 1, default, expireAt);
    }

    /// <summary>
    /// The entry at <paramref name="position"/> (a section's <see cref="Section.Start"/>, then what the previous
    /// call left), advancing it. <paramref name="kind"/> &lt; 0: the value is <paramref name="value"/>'s bytes;
    /// else <paramref name="copy"/>. The spans are valid until <see cref="Dispose"/>.
    /// </summary>
    public void Read(ref long position, out int kind, out long expireAt, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out object? copy)
    {
        int chunk = (int)(position >> 32), offset = (int)position;
        if (offset == _used[chunk])
        {
            chunk++;
            offset = 0;
        }
        ReadOnlySpan<byte> span = _chunks[chunk].Span[offset.._used[chunk]];
        kind = BinaryPrimitives.ReadInt32LittleEndian(span);
        expireAt = BinaryPrimitives.ReadInt64LittleEndian(span[4..]);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        int valueLength = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        key = span.Slice(HeaderBytes, keyLength);
        value = span.Slice(HeaderBytes + keyLength, valueLength);
        copy = kind >= 0 ? _objects[kind] : null;
        position = Position(chunk, offset + HeaderBytes + keyLength + valueLength);
    }

    private static long Position(int chunk, int offset) => ((long)chunk << 32) | (uint)offset;

    private void Reserve(long bytes, bool exact)
    {
        if (_chunks.Count > 0 && _chunks[^1].Length - _used[^1] >= bytes) return;
        int size = (int)Math.Min(int.MaxValue, exact ? Math.Max(bytes, 4096) : Math.Max(bytes, MinChunk));
        _chunks.Add(memory.Allocate(size));
        _used.Add(0);
        Bytes += size;
    }

    public void Dispose()
    {
        foreach (var chunk in _chunks) chunk.Dispose();
        _chunks.Clear();
        _used.Clear();
        _objects.Clear();
        Bytes = 0;
    }
}
