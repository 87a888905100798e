using System.Buffers.Binary;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// One stripe's keys of one database: a chained hash table looked up by byte span (no allocation
/// to look up), with slots that keep their index while the key exists (so a SCAN cursor made of
/// slot indices returns every key present for the whole scan exactly once).
/// </summary>
/// <remarks>
/// Nothing here grows the number of managed objects with the number of keys: slots are reference-free
/// structs, keys and string values up to any size are records in a <see cref="RecordHeap"/>, and only
/// values that are objects (collections, strings being grown in place) sit in the object list.
/// Not thread-safe: the caller holds the owning stripe's lock.
/// </remarks>
internal sealed class KeyTable
{
    private const int HeaderBytes = 8; // key length, value length (little-endian int32 each)

    private int[] _buckets = new int[8]; // slot index + 1; 0 = empty
    private KeyEntry[] _entries = new KeyEntry[8];
    private int _used;      // slots ever used (high-water mark)
    private int _freeList = -1;
    private int _shift = 29; // 32 - log2(buckets)
    private RecordHeap _heap = new();
    private object?[] _objects = [];
    private int _objectsUsed;
    private int[] _freeHandles = [];
    private int _freeHandleCount;

    public int Count { get; private set; }

    /// <summary>Keys with an expiry set.</summary>
    public int VolatileCount { get; private set; }

    /// <summary>Slots in use or free; valid slot indices are below this.</summary>
    public int SlotCount => _used;

    /// <summary>Values held as objects (collections, strings grown in place).</summary>
    public int ObjectCount => _objectsUsed - _freeHandleCount;

    /// <summary>Bytes this table holds: slots, buckets, record pages, the object list (not the objects).</summary>
    public long OwnBytes => (long)_entries.Length * 32 + (long)_buckets.Length * 4 + _heap.Reserved + (long)_objects.Length * 8;

    internal ref KeyEntry Slot(int index) => ref _entries[index];

    public bool IsLive(int index) => _entries[index].Record != 0;

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var h = new HashCode();
        h.AddBytes(key);
        return h.ToHashCode();
    }

    private int BucketOf(int hash) => (int)(((uint)hash * 2654435769u) >> _shift);

    /// <summary>Slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        int i = _buckets[BucketOf(hash)] - 1;
        var entries = _entries;
        while (i >= 0)
        {
            ref var e = ref entries[i];
            if (e.Hash == hash && KeyOf(e.Record).SequenceEqual(key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>The key in a live slot (valid until the slot changes).</summary>
    public ReadOnlySpan<byte> KeyAt(int index) => KeyOf(_entries[index].Record);

    /// <summary>The key in a live slot as a new array.</summary>
    public byte[] KeyArray(int index) => KeyAt(index).ToArray();

    /// <summary>True when the slot's value is a string (inline, or an array or grown string object).</summary>
    public bool IsString(int index)
    {
        ref var e = ref _entries[index];
        return e.Handle < 0 || _objects[e.Handle] is byte[] or Commands.Strings.GrowableString;
    }

    /// <summary>The value when it is an object (collection, or a string kept as an object); null for an inline string.</summary>
    public object? ObjectAt(int index)
    {
        int h = _entries[index].Handle;
        return h < 0 ? null : _objects[h];
    }

    /// <summary>A string value's bytes (valid until the slot changes); false when the value is not a string.</summary>
    public bool TryGetString(int index, out ReadOnlySpan<byte> value)
    {
        ref var e = ref _entries[index];
        if (e.Handle < 0)
        {
            value = InlineValue(e.Record);
            return true;
        }
        switch (_objects[e.Handle])
        {
            case byte[] b:
                value = b;
                return true;
            case Commands.Strings.GrowableString g:
                value = g.Span;
                return true;
            default:
                value = default;
                return false;
        }
    }

    /// <summary>The value as an object: collections as they are, a string as an array (a copy of an inline one,
    /// the exact array of a grown one, which then replaces it).</summary>
    public object ValueObject(int index)
    {
        ref var e = ref _entries[index];
        if (e.Handle < 0) return InlineValue(e.Record).ToArray();
        var o = _objects[e.Handle]!;
        if (o is Commands.Strings.GrowableString g) _objects[e.Handle] = o = g.ToExact();
        return o;
    }

    /// <summary>Adds a key that is not present with a string value stored inline; returns its slot.</summary>
    public int AddString(ReadOnlySpan<byte> key, int hash, ReadOnlySpan<byte> value)
    {
        int index = NewSlot(key, hash, value, -1);
        return index;
    }

    /// <summary>Adds a key that is not present with an object value; returns its slot.</summary>
    public int AddObject(ReadOnlySpan<byte> key, int hash, object value) => NewSlot(key, hash, default, NewHandle(value));

    /// <summary>Makes a live slot's value the string <paramref name="value"/>, inline (in place when its size class allows).</summary>
    public void SetString(int index, ReadOnlySpan<byte> value)
    {
        ref var e = ref _entries[index];
        if (e.Handle >= 0)
        {
            FreeHandle(e.Handle);
            e.Handle = -1;
        }
        Rewrite(ref e, value);
    }

    /// <summary>Makes a live slot's value the object <paramref name="value"/>.</summary>
    public void SetObject(int index, object value)
    {
        ref var e = ref _entries[index];
        if (e.Handle >= 0)
        {
            _objects[e.Handle] = value;
            return;
        }
        Rewrite(ref e, default);
        e.Handle = NewHandle(value);
    }

    /// <summary>Removes the key in <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        ref var e = ref _entries[index];
        int bucket = BucketOf(e.Hash);
        int i = _buckets[bucket] - 1, prev = -1;
        while (i != index)
        {
            prev = i;
            i = _entries[i].Next;
        }
        if (prev < 0) _buckets[bucket] = e.Next + 1;
        else _entries[prev].Next = e.Next;
        if (e.ExpireAt != 0) VolatileCount--;
        _heap.Free(e.Record, RecordSize(e.Record));
        if (e.Handle >= 0) FreeHandle(e.Handle);
        e = default;
        e.Next = _freeList;
        _freeList = index;
        Count--;
    }

    public void SetExpire(int index, long expireAt)
    {
        ref var e = ref _entries[index];
        if (e.ExpireAt == 0 && expireAt != 0) VolatileCount++;
        else if (e.ExpireAt != 0 && expireAt == 0) VolatileCount--;
        e.ExpireAt = expireAt;
    }

    public void Clear()
    {
        _buckets = new int[8];
        _entries = new KeyEntry[8];
        _used = 0;
        _freeList = -1;
        _shift = 29;
        _heap = new RecordHeap();
        _objects = [];
        _objectsUsed = 0;
        _freeHandles = [];
        _freeHandleCount = 0;
        Count = 0;
        VolatileCount = 0;
    }

    private int NewSlot(ReadOnlySpan<byte> key, int hash, ReadOnlySpan<byte> value, int handle)
    {
        int size = checked(HeaderBytes + key.Length + value.Length);
        long record = _heap.Allocate(size);
        var span = _heap.Span(record, size);
        BinaryPrimitives.WriteInt32LittleEndian(span, key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], value.Length);
        key.CopyTo(span[HeaderBytes..]);
        value.CopyTo(span[(HeaderBytes + key.Length)..]);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _entries[index].Next;
        }
        else
        {
            if (_used == _entries.Length) Grow();
            index = _used++;
        }
        int bucket = BucketOf(hash);
        ref var e = ref _entries[index];
        e = default;
        e.Record = record;
        e.Hash = hash;
        e.Handle = handle;
        e.Next = _buckets[bucket] - 1;
        _buckets[bucket] = index + 1;
        Count++;
        if (Count > _buckets.Length) Rehash(_buckets.Length * 2);
        return index;
    }

    /// <summary>Gives the slot's record the inline value <paramref name="value"/> (empty for an object value).</summary>
    private void Rewrite(ref KeyEntry e, ReadOnlySpan<byte> value)
    {
        var page = _heap.Page(e.Record, out int offset);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset));
        int oldValue = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset + 4));
        int oldSize = HeaderBytes + keyLength + oldValue, newSize = checked(HeaderBytes + keyLength + value.Length);
        if (RecordHeap.SameClass(oldSize, newSize))
        {
            BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(offset + 4), value.Length);
            value.CopyTo(page.AsSpan(offset + HeaderBytes + keyLength)); // overlapping copies are safe
            return;
        }
        long record = _heap.Allocate(newSize);
        var span = _heap.Span(record, newSize);
        page.AsSpan(offset, HeaderBytes + keyLength).CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], value.Length);
        value.CopyTo(span[(HeaderBytes + keyLength)..]);
        _heap.Free(e.Record, oldSize);
        e.Record = record;
    }

    private ReadOnlySpan<byte> KeyOf(long record)
    {
        var page = _heap.Page(record, out int offset);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset));
        return page.AsSpan(offset + HeaderBytes, keyLength);
    }

    private ReadOnlySpan<byte> InlineValue(long record)
    {
        var page = _heap.Page(record, out int offset);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset));
        int valueLength = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset + 4));
        return page.AsSpan(offset + HeaderBytes + keyLength, valueLength);
    }

    private int RecordSize(long record)
    {
        var page = _heap.Page(record, out int offset);
        return HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset)) + BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset + 4));
    }

    /// <summary>Bytes of the slot's record (MEMORY USAGE).</summary>
    public int RecordBytes(int index) => RecordHeap.Rounded(RecordSize(_entries[index].Record));

    private int NewHandle(object value)
    {
        int h;
        if (_freeHandleCount > 0) h = _freeHandles[--_freeHandleCount];
        else
        {
            if (_objectsUsed == _objects.Length) Array.Resize(ref _objects, Math.Max(4, _objects.Length * 2));
            h = _objectsUsed++;
        }
        _objects[h] = value;
        return h;
    }

    private void FreeHandle(int h)
    {
        _objects[h] = null;
        if (_freeHandleCount == _freeHandles.Length) Array.Resize(ref _freeHandles, Math.Max(4, _freeHandles.Length * 2));
        _freeHandles[_freeHandleCount++] = h;
    }

    private void Grow() => Array.Resize(ref _entries, _entries.Length * 2);

    private void Rehash(int size)
    {
        _buckets = new int[size];
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)size);
        for (int i = 0; i < _used; i++)
        {
            ref var e = ref _entries[i];
            if (e.Record == 0) continue;
            int bucket = BucketOf(e.Hash);
            e.Next = _buckets[bucket] - 1;
            _buckets[bucket] = i + 1;
        }
    }
}
