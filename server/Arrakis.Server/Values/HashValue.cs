namespace Arrakis.Server.Values;

/// <summary>
/// A Redis hash. Small hashes keep insertion order in a list (Redis's listpack, whose order HGETALL
/// shows); past hash-max-listpack-entries fields or hash-max-listpack-value bytes they become a
/// dictionary (Redis's hashtable) and never go back, as in Redis.
/// </summary>
internal sealed class HashValue
{
    public const int MaxListpackEntries = 512;
    public const int MaxListpackValue = 64;

    private List<KeyValuePair<byte[], byte[]>>? _small = new();
    private Dictionary<byte[], byte[]>? _table;

    public int Count => _small?.Count ?? _table!.Count;

    public bool IsListpack => _small is not null;

    public byte[]? Get(ReadOnlySpan<byte> field)
    {
        if (_small is not null)
        {
            int i = IndexOf(field);
            return i >= 0 ? _small[i].Value : null;
        }
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(field, out var v) ? v : null;
    }

    /// <summary>Sets a field; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, byte[] value)
    {
        if (_small is not null)
        {
            int i = IndexOf(field);
            if (i >= 0)
            {
                _small[i] = new(_small[i].Key, value);
                if (value.Length > MaxListpackValue) Convert();
                return false;
            }
            _small.Add(new(field.ToArray(), value));
            if (_small.Count > MaxListpackEntries || field.Length > MaxListpackValue || value.Length > MaxListpackValue) Convert();
            return true;
        }
        var lookup = _table!.GetAlternateLookup<ReadOnlySpan<byte>>();
        bool isNew = !lookup.ContainsKey(field);
        lookup[field] = value;
        return isNew;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_small is not null)
        {
            int i = IndexOf(field);
            if (i < 0) return false;
            _small.RemoveAt(i);
            return true;
        }
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(field);
    }

    /// <summary>Fields in Redis's iteration order for the current encoding.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries => _small is not null ? _small : _table!;

    public KeyValuePair<byte[], byte[]> EntryAt(int index) => _small is not null ? _small[index] : _table!.ElementAt(index);

    public HashValue Clone()
    {
        var copy = new HashValue();
        if (_small is not null) copy._small = new List<KeyValuePair<byte[], byte[]>>(_small);
        else
        {
            copy._small = null;
            copy._table = new Dictionary<byte[], byte[]>(_table!, ByteArrayComparer.Instance);
        }
        return copy;
    }

    private int IndexOf(ReadOnlySpan<byte> field)
    {
        var small = _small!;
        for (int i = 0; i < small.Count; i++)
        {
            if (field.SequenceEqual(small[i].Key)) return i;
        }
        return -1;
    }

    private void Convert()
    {
        _table = new Dictionary<byte[], byte[]>(_small!.Count, ByteArrayComparer.Instance);
        foreach (var kv in _small) _table[kv.Key] = kv.Value;
        _small = null;
    }
}
