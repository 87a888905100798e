namespace Arrakis.Server.Values;

/// <summary>
/// A Redis hash. Small hashes are one packed byte array in insertion order (Redis's listpack, whose
/// order HGETALL shows); past hash-max-listpack-entries (512) fields or hash-max-listpack-value
/// (64) bytes they become a dictionary (Redis's hashtable) and never go back, as in Redis.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the key's stripe lock.</remarks>
internal sealed class HashValue : IMemberCollection
{
    public const int MaxListpackEntries = 512;
    public const int MaxListpackValue = 64;

    private byte[]? _packed = [];
    private int _count;
    private Dictionary<byte[], byte[]>? _table;

    public int Count => _packed is not null ? _count : _table!.Count;

    public bool IsListpack => _packed is not null;

    /// <summary>The value of a field without copying it; false when absent.</summary>
    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (_packed is not null)
        {
            int at = Find(field, out int valueStart);
            if (at < 0)
            {
                value = default;
                return false;
            }
            int p = valueStart;
            value = PackedPairs.ReadItem(_packed, ref p);
            return true;
        }
        if (_table!.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(field, out var v))
        {
            value = v;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>A copy of a field's value, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> field) => TryGet(field, out var v) ? v.ToArray() : null;

    /// <summary>Sets a field; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (_packed is not null)
        {
            int at = Find(field, out int valueStart);
            bool isNew = at < 0;
            if (!isNew && (_count > MaxListpackEntries || value.Length > MaxListpackValue))
            {
                Convert();
                return SetInTable(field, value);
            }
            if (isNew && (_count + 1 > MaxListpackEntries || field.Length > MaxListpackValue || value.Length > MaxListpackValue))
            {
                Convert();
                return SetInTable(field, value);
            }
            if (isNew)
            {
                var bigger = new byte[_packed.Length + PackedPairs.ItemSize(field.Length) + PackedPairs.ItemSize(value.Length)];
                _packed.CopyTo(bigger, 0);
                int n = _packed.Length;
                n += PackedPairs.WriteItem(bigger.AsSpan(n), field);
                PackedPairs.WriteItem(bigger.AsSpan(n), value);
                _packed = bigger;
                _count++;
                return true;
            }
            int p = valueStart;
            PackedPairs.ReadItem(_packed, ref p);
            int oldSize = p - valueStart, newSize = PackedPairs.ItemSize(value.Length);
            var rebuilt = new byte[_packed.Length - oldSize + newSize];
            _packed.AsSpan(0, valueStart).CopyTo(rebuilt);
            PackedPairs.WriteItem(rebuilt.AsSpan(valueStart), value);
            _packed.AsSpan(p).CopyTo(rebuilt.AsSpan(valueStart + newSize));
            _packed = rebuilt;
            return false;
        }
        return SetInTable(field, value);
    }

    private bool SetInTable(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var lookup = _table!.GetAlternateLookup<ReadOnlySpan<byte>>();
        bool isNew = !lookup.ContainsKey(field);
        lookup[field] = value.ToArray();
        return isNew;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_packed is not null)
        {
            int at = Find(field, out int valueStart);
            if (at < 0) return false;
            int p = valueStart;
            PackedPairs.ReadItem(_packed, ref p);
            var smaller = new byte[_packed.Length - (p - at)];
            _packed.AsSpan(0, at).CopyTo(smaller);
            _packed.AsSpan(p).CopyTo(smaller.AsSpan(at));
            _packed = smaller;
            _count--;
            return true;
        }
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(field);
    }

    /// <summary>Fields in Redis's iteration order for the current encoding (copies for the packed form).</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries
    {
        get
        {
            if (_packed is null) return _table!;
            var list = new List<KeyValuePair<byte[], byte[]>>(_count);
            int p = 0;
            while (p < _packed.Length)
            {
                var f = PackedPairs.ReadItem(_packed, ref p).ToArray();
                var v = PackedPairs.ReadItem(_packed, ref p).ToArray();
                list.Add(new(f, v));
            }
            return list;
        }
    }

    public KeyValuePair<byte[], byte[]> EntryAt(int index) => Entries.ElementAt(index);

    public HashValue Clone()
    {
        var copy = new HashValue { _count = _count };
        if (_packed is not null) copy._packed = (byte[])_packed.Clone();
        else
        {
            copy._packed = null;
            copy._table = new Dictionary<byte[], byte[]>(_table!, ByteArrayComparer.Instance);
        }
        return copy;
    }

    /// <summary>Offset of the field's entry, or -1; <paramref name="valueStart"/> is where its value item starts.</summary>
    private int Find(ReadOnlySpan<byte> field, out int valueStart)
    {
        var packed = _packed!;
        int p = 0;
        while (p < packed.Length)
        {
            int entry = p;
            var f = PackedPairs.ReadItem(packed, ref p);
            int v = p;
            PackedPairs.ReadItem(packed, ref p);
            if (f.SequenceEqual(field))
            {
                valueStart = v;
                return entry;
            }
        }
        valueStart = -1;
        return -1;
    }

    private void Convert()
    {
        _table = new Dictionary<byte[], byte[]>(_count, ByteArrayComparer.Instance);
        foreach (var kv in Entries) _table[kv.Key] = kv.Value;
        _packed = null;
    }
}
