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

    // Bucket arrays are pinned from 1 KiB up, for the reason the slot segments are (see SlotSegments): with the
    // connections' buffers, they were most of what the first young collection after a load still copied
    // (7-9 ms in one run of two). An outgrown pinned array leaves a hole: 1M short strings take 83 bytes a key
    // instead of 79.
    private const int PinnedFrom = 1024;
    private SlotSegments _slots = new();
    private int _used;      // slots ever used (high-water mark; lowered when trailing chunks are given back)
    private int _freeList = -1;
    private int _countAtLastTrim = -1;

    // Buckets (slot index + 1; 0 = empty) chain slots through KeyEntry.Next. Growing or shrinking is
    // Redis's incremental rehash: a second bucket array fills while each operation moves a few old
    // buckets over, and lookups search both until the old one is empty.
    private int[] _buckets = new int[8];
    private int _shift = 29; // 32 - log2(buckets)
    private int[]? _next;
    private int _nextShift;
    private int _rehashIndex;
    private readonly IoBypass.Memory.IOffHeapMemory _pageMemory;
    private RecordHeap _heap;
    private object?[] _objects = [];
    private long[] _objectBytes = []; // per handle: the object's size when last accounted (ValueSize.Of)
    private int _objectsUsed;
    private int[] _freeHandles = [];
    private int _freeHandleCount;

    /// <summary>A table whose record pages come from <paramref name="pageMemory"/> (by default the process's
    /// <see cref="RecordHeap.TablePages"/>).</summary>
    public KeyTable(IoBypass.Memory.IOffHeapMemory? pageMemory = null)
    {
        _pageMemory = pageMemory ?? RecordHeap.TablePages;
        _heap = new RecordHeap(_pageMemory);
    }

    public int Count { get; private set; }

    /// <summary>Keys with an expiry set.</summary>
    public int VolatileCount { get; private set; }

    /// <summary>Slots in use or free; valid slot indices are below this.</summary>
    public int SlotCount => _used;

    /// <summary>Values held as objects (collections, strings grown in place).</summary>
    public int ObjectCount => _objectsUsed - _freeHandleCount;

    /// <summary>Bytes this table holds: slots, buckets, record pages, the object list (not the objects).</summary>
    public long OwnBytes => IndexBytes + _heap.Reserved;

    /// <summary>Bytes of the index alone (MEMORY STATS overhead): slots, buckets and the object list.</summary>
    public long IndexBytes => (long)_slots.Capacity * 32 + (long)(_buckets.Length + (_next?.Length ?? 0)) * 4 + (long)_objects.Length * 16;

    /// <summary>Sum of the object values' sizes (<see cref="ValueSize.Of"/>) as last accounted: when stored, replaced,
    /// removed, and after a command changed one in place (<see cref="Reaccount"/>, from <see cref="Db.Modified(ReadOnlySpan{byte})"/>).</summary>
    public long ValueBytes { get; private set; }

    /// <summary>Everything the table holds: <see cref="OwnBytes"/> plus <see cref="ValueBytes"/>.</summary>
    public long TotalBytes => OwnBytes + ValueBytes;

    /// <summary>Brings the accounted size of the slot's object up to date after it changed in place.</summary>
    public void Reaccount(int index)
    {
        int h = Slot(index).Handle;
        if (h < 0) return;
        long now = ValueSize.Of(_objects[h]!);
        ValueBytes += now - _objectBytes[h];
        _objectBytes[h] = now;
    }

    /// <summary><see cref="ValueBytes"/> measured afresh over every object (tests check the kept figure against it).</summary>
    internal long RecountValueBytes()
    {
        long sum = 0;
        for (int h = 0; h < _objectsUsed; h++)
        {
            if (_objects[h] is { } o) sum += ValueSize.Of(o);
        }
        return sum;
    }

    /// <summary>The object's size as last accounted (MEMORY USAGE; 0 for an inline value).</summary>
    public long AccountedBytes(int index)
    {
        int h = Slot(index).Handle;
        return h < 0 ? 0 : _objectBytes[h];
    }

    /// <summary>True while the buckets are being moved to a new array.</summary>
    public bool Rehashing => _next is not null;

    internal ref KeyEntry Slot(int index) => ref _slots[index];

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var h = new HashCode();
        h.AddBytes(key);
        return h.ToHashCode();
    }

    private static int BucketOf(int hash, int shift) => (int)(((uint)hash * 2654435769u) >> shift);

    /// <summary>Slot index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        if (_next is not null) RehashStep(1);
        int b = BucketOf(hash, _shift);
        if (_next is null || b >= _rehashIndex)
        {
            int found = FindInChain(_buckets[b] - 1, key, hash);
            if (found >= 0 || _next is null) return found;
        }
        return FindInChain(_next[BucketOf(hash, _nextShift)] - 1, key, hash);
    }

    private int FindInChain(int i, ReadOnlySpan<byte> key, int hash)
    {
        while (i >= 0)
        {
            ref var e = ref Slot(i);
            if (e.Hash == hash && KeyOf(e.Record).SequenceEqual(key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>The key in a live slot (valid until the slot changes).</summary>
    public ReadOnlySpan<byte> KeyAt(int index) => KeyOf(Slot(index).Record);

    /// <summary>The key in a live slot as a new array.</summary>
    public byte[] KeyArray(int index) => KeyAt(index).ToArray();

    /// <summary><see cref="KeyEntry.Handle"/> of a string stored inline in the record.</summary>
    public const int InlineString = -1;

    /// <summary><see cref="KeyEntry.Handle"/> of a packed (listpack) hash stored inline in the record.</summary>
    public const int PackedHash = -2;

    /// <summary><see cref="KeyEntry.Handle"/> of a packed (listpack) sorted set stored inline in the record.</summary>
    public const int PackedZSet = -3;

    /// <summary>True when the slot's value is a string (inline, or an array or grown string object).</summary>
    public bool IsString(int index)
    {
        ref var e = ref Slot(index);
        return e.Handle == InlineString || (e.Handle >= 0 && _objects[e.Handle] is byte[] or Commands.Strings.GrowableString);
    }

    /// <summary><see cref="PackedHash"/> or <see cref="PackedZSet"/> when the slot's value is a packed collection
    /// stored inline, else 0.</summary>
    public int PackedKind(int index) => Slot(index).Handle is PackedHash or PackedZSet ? Slot(index).Handle : 0;

    /// <summary>The record value of an inline packed collection (valid until the slot changes).</summary>
    public ReadOnlySpan<byte> PackedValue(int index) => InlineValue(Slot(index).Record);

    /// <summary>Makes a live slot's value the packed collection <paramref name="packed"/> of <paramref name="kind"/>
    /// (<see cref="PackedHash"/>, <see cref="PackedZSet"/>), inline (in place when its size class allows).</summary>
    public void SetPacked(int index, int kind, ReadOnlySpan<byte> packed)
    {
        ref var e = ref Slot(index);
        if (e.Handle >= 0) FreeHandle(e.Handle);
        e.Handle = kind;
        Rewrite(ref e, packed);
    }

    /// <summary>Adds a key that is not present with a packed collection stored inline; returns its slot.</summary>
    public int AddPacked(ReadOnlySpan<byte> key, int hash, int kind, ReadOnlySpan<byte> packed) => NewSlot(key, hash, packed, kind);

    /// <summary>The value as commands work on it: <see cref="ValueObject"/>, except that a packed collection comes
    /// as a view attached to the slot (changes go into the record) instead of a copy.</summary>
    public object ValueView(int index) => Slot(index).Handle switch
    {
        PackedHash => Commands.Hashes.HashValue.Attached(this, index),
        PackedZSet => Commands.SortedSets.SortedSetValue.Attached(this, index),
        _ => ValueObject(index),
    };

    /// <summary>The value when it is an object (collection, or a string kept as an object); null for an inline value.</summary>
    public object? ObjectAt(int index)
    {
        int h = Slot(index).Handle;
        return h < 0 ? null : _objects[h];
    }

    /// <summary>A string value's bytes (valid until the slot changes); false when the value is not a string.</summary>
    public bool TryGetString(int index, out ReadOnlySpan<byte> value)
    {
        ref var e = ref Slot(index);
        if (e.Handle == InlineString)
        {
            value = InlineValue(e.Record);
            return true;
        }
        if (e.Handle < 0)
        {
            value = default;
            return false;
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

    /// <summary>The value as an object: collections as they are (a detached copy of an inline packed one), a
    /// string as an array (a copy of an inline one, the exact array of a grown one, which then replaces it).</summary>
    public object ValueObject(int index)
    {
        ref var e = ref Slot(index);
        if (e.Handle < 0) return InlineObject(e.Handle, InlineValue(e.Record));
        var o = _objects[e.Handle]!;
        if (o is Commands.Strings.GrowableString g)
        {
            _objects[e.Handle] = o = g.ToExact();
            Reaccount(index);
        }
        return o;
    }

    /// <summary>A value stored inline (<paramref name="handle"/> &lt; 0) as a detached object: a string as an array,
    /// a packed hash or sorted set as its value type over a copy of <paramref name="bytes"/>.</summary>
    internal static object InlineObject(int handle, ReadOnlySpan<byte> bytes) => handle switch
    {
        InlineString => bytes.ToArray(),
        PackedHash => Commands.Hashes.HashValue.FromPacked(bytes.ToArray()),
        PackedZSet => Commands.SortedSets.SortedSetValue.FromPacked(bytes.ToArray()),
        _ => throw new InvalidOperationException($"no inline value kind {handle}"),
    };

    /// <summary>Adds a key that is not present with a string value stored inline; returns its slot.</summary>
    public int AddString(ReadOnlySpan<byte> key, int hash, ReadOnlySpan<byte> value) => NewSlot(key, hash, value, InlineString);

    /// <summary>Adds a key that is not present with an object value; returns its slot.</summary>
    public int AddObject(ReadOnlySpan<byte> key, int hash, object value) => NewSlot(key, hash, default, NewHandle(value));

    /// <summary>Makes a live slot's value the string <paramref name="value"/>, inline (in place when its size class allows).</summary>
    public void SetString(int index, ReadOnlySpan<byte> value)
    {
        ref var e = ref Slot(index);
        if (e.Handle >= 0)
        {
            FreeHandle(e.Handle);
        }
        e.Handle = InlineString;
        Rewrite(ref e, value);
    }

    /// <summary>Makes a live slot's value the object <paramref name="value"/>.</summary>
    public void SetObject(int index, object value)
    {
        ref var e = ref Slot(index);
        if (e.Handle >= 0)
        {
            _objects[e.Handle] = value;
            Reaccount(index);
            return;
        }
        Rewrite(ref e, default);
        e.Handle = NewHandle(value);
    }

    /// <summary>
    /// Copies the table into <paramref name="into"/> as database <paramref name="db"/>, for a snapshot to serialize
    /// after the stripe is let go (copy on first lock): slots and record pages as they are, object values
    /// deep-copied by <paramref name="clone"/>.
    /// </summary>
    internal void CaptureInto(CapturedKeys into, int db, Func<object, object> clone)
    {
        long pageBytes = PageBytesInUse();
        var slots = into.BeginTable(db, Count, VolatileCount, _used, _heap.PageCount, pageBytes, _objectsUsed, out var table);
        _slots.CopyBelow(_used, slots);
        for (int p = 0; p < _heap.PageCount; p++) into.AddPage(table, p, _heap.PageBytes(p));
        for (int h = 0; h < _objectsUsed; h++)
        {
            if (_objects[h] is { } o) table.Objects[h] = clone(o);
        }
    }

    /// <summary>Off-heap bytes <see cref="CaptureInto"/> would copy now (slots and record pages): what a snapshot
    /// reserves for the table before it begins.</summary>
    internal long CaptureBytes => (long)_used * System.Runtime.CompilerServices.Unsafe.SizeOf<KeyEntry>() + PageBytesInUse();

    private long PageBytesInUse()
    {
        long bytes = 0;
        for (int p = 0; p < _heap.PageCount; p++) bytes += _heap.PageBytes(p).Length;
        return bytes;
    }

    /// <summary>The key and inline value of the record at <paramref name="offset"/> in a page's bytes.</summary>
    internal static void ReadRecord(ReadOnlySpan<byte> page, int offset, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page[offset..]);
        int valueLength = BinaryPrimitives.ReadInt32LittleEndian(page[(offset + 4)..]);
        key = page.Slice(offset + HeaderBytes, keyLength);
        value = page.Slice(offset + HeaderBytes + keyLength, valueLength);
    }

    /// <summary>Removes the key in <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        if (_next is not null) RehashStep(4);
        ref var e = ref Slot(index);
        int old = BucketOf(e.Hash, _shift);
        bool unlinked = (_next is null || old >= _rehashIndex) && Unlink(_buckets, old, index);
        if (!unlinked && (_next is null || !Unlink(_next, BucketOf(e.Hash, _nextShift), index)))
            throw new InvalidOperationException("a live slot is in no bucket chain");
        if (e.ExpireAt != 0) VolatileCount--;
        _heap.Free(e.Record, RecordSize(e.Record));
        if (e.Handle >= 0) FreeHandle(e.Handle);
        e = default;
        e.Next = _freeList;
        _freeList = index;
        Count--;
        // Shrink below 1/8 full to twice the keys (memory back; SCAN's slot cursor is unaffected).
        if (_next is null && _buckets.Length > 8 && Count < _buckets.Length / 8)
            StartRehash(Math.Max(8, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Count * 2))));
    }

    /// <summary>Record pages are compacted only when at least this much would come back.</summary>
    private const int MinGiveBack = 64 * 1024;

    /// <summary>
    /// Gives memory back after deletions (Redis resizes its dicts from its cron; the buckets here shrink
    /// on their own): when freed records make up more than half of the record pages, the live ones are
    /// copied into fresh pages and the old ones dropped; and whole slot chunks above the last live slot are dropped.
    /// Slots keep their index (SCAN's cursor); records move, which nothing outside the table holds on to
    /// across a command. Returns the bytes given back. Called with the stripe held, between commands.
    /// </summary>
    public long GiveBack()
    {
        long before = OwnBytes;
        if (_heap.FreeListBytes >= MinGiveBack && _heap.FreeListBytes * 2 > _heap.Reserved) CompactRecords();
        if (_slots.Capacity > SlotSegments.SmallSlots + SlotSegments.ChunkSize && Count * 4 < _slots.Capacity && Count != _countAtLastTrim)
        {
            _countAtLastTrim = Count;
            TrimSlots();
        }
        return before - OwnBytes;
    }

    private void CompactRecords()
    {
        var fresh = new RecordHeap(_pageMemory);
        for (int i = 0; i < _used; i++)
        {
            ref var e = ref Slot(i);
            if (e.Record == 0) continue;
            int size = RecordSize(e.Record);
            long moved = fresh.Allocate(size);
            _heap.Span(e.Record, size).CopyTo(fresh.Span(moved, size));
            e.Record = moved;
        }
        _heap.Release(); // between commands: nothing reads the old pages
        _heap = fresh;
    }

    /// <summary>Drops the whole 1024-slot chunks above the last live slot (the doubling segments stay) and rebuilds the free list below it.</summary>
    private void TrimSlots()
    {
        int last = _used - 1;
        while (last >= 0 && Slot(last).Record == 0) last--;
        if (!_slots.TrimTo(last + 1)) return;
        _used = last + 1;
        _freeList = -1;
        for (int i = _used - 1; i >= 0; i--)
        {
            ref var e = ref Slot(i);
            if (e.Record != 0) continue;
            e.Next = _freeList;
            _freeList = i;
        }
    }

    /// <summary>Takes slot <paramref name="index"/> out of the chain of <paramref name="bucket"/>; false when it is not there.</summary>
    private bool Unlink(int[] buckets, int bucket, int index)
    {
        int i = buckets[bucket] - 1, prev = -1;
        while (i >= 0 && i != index)
        {
            prev = i;
            i = Slot(i).Next;
        }
        if (i < 0) return false;
        int next = Slot(index).Next;
        if (prev < 0) buckets[bucket] = next + 1;
        else Slot(prev).Next = next;
        return true;
    }

    public void SetExpire(int index, long expireAt)
    {
        ref var e = ref Slot(index);
        if (e.ExpireAt == 0 && expireAt != 0) VolatileCount++;
        else if (e.ExpireAt != 0 && expireAt == 0) VolatileCount--;
        e.ExpireAt = expireAt;
    }

    /// <summary>Returns the record pages' memory now, for a table being dropped (FLUSHDB): it must not be used
    /// afterwards. Native pages would otherwise wait for their finalizers.</summary>
    public void Release() => _heap.Release();

    public void Clear()
    {
        _buckets = new int[8];
        _slots.Reset();
        _next = null;
        _rehashIndex = 0;
        _used = 0;
        _freeList = -1;
        _shift = 29;
        _heap.Release();
        _heap = new RecordHeap(_pageMemory);
        _objects = [];
        _objectBytes = [];
        ValueBytes = 0;
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
        if (_next is not null) RehashStep(4);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = Slot(index).Next;
        }
        else
        {
            if (_used == _slots.Capacity) _slots.Grow();
            index = _used++;
        }
        var buckets = _next ?? _buckets; // while rehashing, new keys go to the new buckets
        int bucket = BucketOf(hash, _next is null ? _shift : _nextShift);
        ref var e = ref Slot(index);
        e = default;
        e.Record = record;
        e.Hash = hash;
        e.Handle = handle;
        e.Next = buckets[bucket] - 1;
        buckets[bucket] = index + 1;
        Count++;
        if (_next is null && Count > _buckets.Length) StartRehash(_buckets.Length * 2);
        return index;
    }

    /// <summary>Gives the slot's record the inline value <paramref name="value"/> (empty for an object value).</summary>
    private void Rewrite(ref KeyEntry e, ReadOnlySpan<byte> value)
    {
        var page = _heap.Page(e.Record, out int offset);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page[offset..]);
        int oldValue = BinaryPrimitives.ReadInt32LittleEndian(page[(offset + 4)..]);
        int oldSize = HeaderBytes + keyLength + oldValue, newSize = checked(HeaderBytes + keyLength + value.Length);
        if (RecordHeap.SameClass(oldSize, newSize))
        {
            BinaryPrimitives.WriteInt32LittleEndian(page[(offset + 4)..], value.Length);
            value.CopyTo(page[(offset + HeaderBytes + keyLength)..]); // overlapping copies are safe
            return;
        }
        long record = _heap.Allocate(newSize);
        var span = _heap.Span(record, newSize);
        page.Slice(offset, HeaderBytes + keyLength).CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], value.Length);
        value.CopyTo(span[(HeaderBytes + keyLength)..]);
        _heap.Free(e.Record, oldSize);
        e.Record = record;
    }

    private ReadOnlySpan<byte> KeyOf(long record)
    {
        var page = _heap.Page(record, out int offset);
        int keyLength = BinaryPrimitives.ReadInt32LittleEndian(page[offset..]);
        return page.Slice(offset + HeaderBytes, keyLength);
    }

    private ReadOnlySpan<byte> InlineValue(long record)
    {
        ReadRecord(_heap.Page(record, out int offset), offset, out _, out var value);
        return value;
    }

    private int RecordSize(long record)
    {
        var page = _heap.Page(record, out int offset);
        return HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(page[offset..]) + BinaryPrimitives.ReadInt32LittleEndian(page[(offset + 4)..]);
    }

    /// <summary>Bytes of the slot's record (MEMORY USAGE).</summary>
    public int RecordBytes(int index) => RecordHeap.Rounded(RecordSize(Slot(index).Record));

    private int NewHandle(object value)
    {
        int h;
        if (_freeHandleCount > 0) h = _freeHandles[--_freeHandleCount];
        else
        {
            if (_objectsUsed == _objects.Length)
            {
                Array.Resize(ref _objects, Math.Max(4, _objects.Length * 2));
                Array.Resize(ref _objectBytes, _objects.Length);
            }
            h = _objectsUsed++;
        }
        _objects[h] = value;
        _objectBytes[h] = ValueSize.Of(value);
        ValueBytes += _objectBytes[h];
        return h;
    }

    private void FreeHandle(int h)
    {
        _objects[h] = null;
        ValueBytes -= _objectBytes[h];
        _objectBytes[h] = 0;
        if (_freeHandleCount == _freeHandles.Length) Array.Resize(ref _freeHandles, Math.Max(4, _freeHandles.Length * 2));
        _freeHandles[_freeHandleCount++] = h;
    }

    private void StartRehash(int size)
    {
        _next = GC.AllocateArray<int>(size, pinned: size * 4 >= PinnedFrom);
        _nextShift = 32 - System.Numerics.BitOperations.Log2((uint)size);
        _rehashIndex = 0;
        RehashStep(4);
    }

    /// <summary>Moves up to <paramref name="buckets"/> non-empty old buckets (visiting at most ten times as many
    /// empty ones) to the new array; when the old one is empty, the new one replaces it.</summary>
    private void RehashStep(int buckets)
    {
        var next = _next!;
        int emptyVisits = buckets * 10;
        while (buckets > 0 && _rehashIndex < _buckets.Length)
        {
            int i = _buckets[_rehashIndex] - 1;
            if (i < 0)
            {
                _rehashIndex++;
                if (--emptyVisits == 0) break;
                continue;
            }
            while (i >= 0)
            {
                ref var e = ref Slot(i);
                int following = e.Next;
                int nb = BucketOf(e.Hash, _nextShift);
                e.Next = next[nb] - 1;
                next[nb] = i + 1;
                i = following;
            }
            _buckets[_rehashIndex++] = 0;
            buckets--;
        }
        if (_rehashIndex >= _buckets.Length)
        {
            _buckets = next;
            _shift = _nextShift;
            _next = null;
            _rehashIndex = 0;
        }
    }
}
