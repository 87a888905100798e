namespace Arrakis.Server.Commands.Hashes;

/// <summary>
/// A Redis hash. Small hashes are one packed byte array in insertion order (Redis's listpack, whose
/// order HGETALL shows); past hash-max-listpack-entries (512) fields or hash-max-listpack-value
/// (64) bytes they become a field list with an index (Redis's hashtable) and never go back, as in
/// Redis. The list gives O(1) random fields and a SCAN cursor; removal swaps the last field into the hole.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the key's stripe lock.</remarks>
internal sealed class HashValue : IMemberCollection
{
    public const int MaxListpackEntries = 512;
    public const int MaxListpackValue = 64;

    private byte[]? _packed = [];
    private int _count;
    private Dictionary<byte[], int>? _index;
    private List<KeyValuePair<byte[], byte[]>>? _entries;

    public int Count => _packed is not null ? _count : _entries!.Count;

    public bool IsListpack => _packed is not null;

    /// <summary>Bytes of the packed form (0 when it is a hashtable).</summary>
    public int PackedLength => _packed?.Length ?? 0;

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
        if (_index!.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(field, out int slot))
        {
            value = _entries![slot].Value;
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
        var lookup = _index!.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(field, out int at))
        {
            _entries![at] = new(_entries[at].Key, value.ToArray());
            return false;
        }
        var key = field.ToArray();
        _index[key] = _entries!.Count;
        _entries.Add(new(key, value.ToArray()));
        return true;
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
        if (!_index!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(field, out _, out int slot)) return false;
        var last = _entries![^1];
        _entries.RemoveAt(_entries.Count - 1);
        if (slot < _entries.Count)
        {
            _entries[slot] = last;
            _index[last.Key] = slot;
        }
        return true;
    }

    /// <summary>Fields in Redis's iteration order for the current encoding (copies for the packed form).</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries
    {
        get
        {
            if (_packed is null) return _entries!;
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

    /// <summary>The field at a position (its insertion rank while packed, its list slot after).</summary>
    public KeyValuePair<byte[], byte[]> EntryAt(int index) => _packed is not null ? Entries.ElementAt(index) : _entries![index];

    public HashValue Clone()
    {
        var copy = new HashValue { _count = _count };
        if (_packed is not null) copy._packed = (byte[])_packed.Clone();
        else
        {
            copy._packed = null;
            copy._entries = new List<KeyValuePair<byte[], byte[]>>(_entries!);
            copy._index = new Dictionary<byte[], int>(_index!, ByteArrayComparer.Instance);
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
        var entries = (List<KeyValuePair<byte[], byte[]>>)Entries;
        _index = new Dictionary<byte[], int>(entries.Count, ByteArrayComparer.Instance);
        for (int i = 0; i < entries.Count; i++) _index[entries[i].Key] = i;
        _entries = entries;
        _packed = null;
    }
}
