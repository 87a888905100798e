namespace Arrakis.Server.Keyspace;

/// <summary>
/// One stripe's keys of one database: a chained hash table looked up by byte span (no allocation
/// to look up), with slots that keep their index while the key exists (so a SCAN cursor made of
/// slot indices returns every key present for the whole scan exactly once).
/// </summary>
/// <remarks>Not thread-safe: the caller holds the owning stripe's lock.</remarks>
internal sealed class KeyTable
{
    private int[] _buckets = new int[8]; // slot index + 1; 0 = empty
    private KeyEntry[] _entries = new KeyEntry[8];
    private int _used;      // slots ever used (high-water mark)
    private int _freeList = -1;
    private int _shift = 29; // 32 - log2(buckets)

    public int Count { get; private set; }

    /// <summary>Keys with an expiry set.</summary>
    public int VolatileCount { get; private set; }

    /// <summary>Slots in use or free; valid slot indices are below this.</summary>
    public int SlotCount => _used;

    internal ref KeyEntry Slot(int index) => ref _entries[index];

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
            if (e.Hash == hash && key.SequenceEqual(e.Key)) return i;
            i = e.Next;
        }
        return -1;
    }

    /// <summary>Adds a key that is not present; returns its slot.</summary>
    public int Add(byte[] key, int hash, object value)
    {
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
        e.Key = key;
        e.Hash = hash;
        e.Value = value;
        e.ExpireAt = 0;
        e.Flags = 0;
        e.Next = _buckets[bucket] - 1;
        _buckets[bucket] = index + 1;
        Count++;
        if (Count > _buckets.Length) Rehash(_buckets.Length * 2);
        return index;
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
        e = default;
        e.Hash = 0;
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
        Count = 0;
        VolatileCount = 0;
    }

    private void Grow() => Array.Resize(ref _entries, _entries.Length * 2);

    private void Rehash(int size)
    {
        _buckets = new int[size];
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)size);
        for (int i = 0; i < _used; i++)
        {
            ref var e = ref _entries[i];
            if (e.Key is null) continue;
            int bucket = BucketOf(e.Hash);
            e.Next = _buckets[bucket] - 1;
            _buckets[bucket] = i + 1;
        }
    }
}
