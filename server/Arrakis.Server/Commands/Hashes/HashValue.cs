using System.Buffers;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Hashes;

/// <summary>
/// A Redis hash. Small hashes are packed field/value pairs in insertion order (Redis's listpack, whose
/// order HGETALL shows); past hash-max-listpack-entries (512) fields or hash-max-listpack-value
/// (64) bytes they become a field list with an index (Redis's hashtable) and never go back, as in
/// Redis. The list gives O(1) random fields and a SCAN cursor; removal swaps the last field into the hole.
/// </summary>
/// <remarks>
/// In the keyspace a packed hash is no object: its bytes are the value of the key's record
/// (<see cref="KeyTable.PackedHash"/>), and a command works on it through a view attached to the slot
/// (<see cref="KeyTable.ValueView"/>), which writes every change back into the record and, when the hash
/// outgrows the packed form, becomes the slot's object itself. A detached instance (a copy, or one being
/// built) owns its bytes; <see cref="Db.SetObject"/> stores such a packed hash inline and attaches it.
/// Not thread-safe: the caller holds the key's stripe lock, and a view lives for one command.
/// </remarks>
internal sealed class HashValue : IMemberCollection, IPackedValue
{
    public const int MaxListpackEntries = 512;
    public const int MaxListpackValue = 64;

    private PackedBytes _packed = PackedBytes.Owned([]);
    private int _count;         // packed: the field count, -1 until counted (a fresh view)
    private Dictionary<byte[], int>? _index;
    private List<KeyValuePair<byte[], byte[]>>? _entries;
    private long _arrayBytes; // hashtable: the fields' and values' arrays, kept as they change

    /// <summary>A view of the packed hash in a table's slot.</summary>
    public static HashValue Attached(KeyTable table, int slot) => new() { _packed = PackedBytes.In(table, slot), _count = -1 };

    /// <summary>A detached packed hash owning <paramref name="packed"/>.</summary>
    public static HashValue FromPacked(byte[] packed) => new() { _packed = PackedBytes.Owned(packed), _count = -1 };

    /// <summary>Makes this packed hash a view of a slot whose record value now holds its bytes.</summary>
    public void Attach(KeyTable table, int slot) => _packed.Attach(table, slot);

    public int PackedKind => KeyTable.PackedHash;

    public int Count => _entries is null ? (_count >= 0 ? _count : _count = CountItems(Packed) / 2) : _entries.Count;

    public bool IsListpack => _entries is null;

    /// <summary>Bytes beyond the object: the packed array, or the hashtable's index, entry list and arrays.</summary>
    public long AllocatedBytes => IsListpack
        ? ValueSize.Array(PackedLength)
        : ValueSize.Dictionary(_index!.EnsureCapacity(0), 24) + ValueSize.ListObject + ValueSize.Array(16L * _entries!.Capacity) + _arrayBytes;

    /// <summary>The packed form's bytes (valid until the next change; empty when it is a hashtable).</summary>
    public ReadOnlySpan<byte> Packed => IsListpack ? _packed.Span : default;

    /// <summary>Bytes of the packed form (0 when it is a hashtable).</summary>
    public int PackedLength => Packed.Length;

    private static int CountItems(ReadOnlySpan<byte> packed)
    {
        int n = 0;
        for (int p = 0; p < packed.Length; n++) PackedPairs.ReadItem(packed, ref p);
        return n;
    }

    private void Store(ReadOnlySpan<byte> packed) => _packed.Store(KeyTable.PackedHash, packed);

    /// <summary>The value of a field without copying it; false when absent.</summary>
    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (IsListpack)
        {
            var packed = Packed;
            int at = Find(packed, field, out int valueStart);
            if (at < 0)
            {
                value = default;
                return false;
            }
            int p = valueStart;
            value = PackedPairs.ReadItem(packed, ref p);
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
        if (IsListpack)
        {
            var packed = Packed;
            int at = Find(packed, field, out int valueStart);
            bool isNew = at < 0;
            if ((isNew && (Count + 1 > MaxListpackEntries || field.Length > MaxListpackValue)) || value.Length > MaxListpackValue)
            {
                Convert();
                return SetInTable(field, value);
            }
            int oldStart = isNew ? packed.Length : valueStart, oldEnd = oldStart;
            if (!isNew) PackedPairs.ReadItem(packed, ref oldEnd);
            int added = (isNew ? PackedPairs.ItemSize(field.Length) : 0) + PackedPairs.ItemSize(value.Length);
            var buffer = ArrayPool<byte>.Shared.Rent(packed.Length - (oldEnd - oldStart) + added);
            packed[..oldStart].CopyTo(buffer);
            int n = oldStart;
            if (isNew) n += PackedPairs.WriteItem(buffer.AsSpan(n), field);
            n += PackedPairs.WriteItem(buffer.AsSpan(n), value);
            packed[oldEnd..].CopyTo(buffer.AsSpan(n));
            n += packed.Length - oldEnd;
            Store(buffer.AsSpan(0, n));
            ArrayPool<byte>.Shared.Return(buffer);
            if (isNew) _count = Count + 1;
            return isNew;
        }
        return SetInTable(field, value);
    }

    private bool SetInTable(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var lookup = _index!.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(field, out int at))
        {
            _arrayBytes += ValueSize.Array(value.Length) - ValueSize.Array(_entries![at].Value.Length);
            _entries[at] = new(_entries[at].Key, value.ToArray());
            return false;
        }
        var key = field.ToArray();
        _index[key] = _entries!.Count;
        _entries.Add(new(key, value.ToArray()));
        _arrayBytes += ValueSize.Array(key.Length) + ValueSize.Array(value.Length);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (IsListpack)
        {
            var packed = Packed;
            int at = Find(packed, field, out int valueStart);
            if (at < 0) return false;
            int count = Count, p = valueStart;
            PackedPairs.ReadItem(packed, ref p);
            var buffer = ArrayPool<byte>.Shared.Rent(packed.Length - (p - at));
            packed[..at].CopyTo(buffer);
            packed[p..].CopyTo(buffer.AsSpan(at));
            Store(buffer.AsSpan(0, packed.Length - (p - at)));
            ArrayPool<byte>.Shared.Return(buffer);
            _count = count - 1;
            return true;
        }
        if (!_index!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(field, out _, out int slot)) return false;
        _arrayBytes -= ValueSize.Array(_entries![slot].Key.Length) + ValueSize.Array(_entries[slot].Value.Length);
        var last = _entries[^1];
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
            if (!IsListpack) return _entries!;
            var packed = Packed;
            var list = new List<KeyValuePair<byte[], byte[]>>(Count);
            int p = 0;
            while (p < packed.Length)
            {
                var f = PackedPairs.ReadItem(packed, ref p).ToArray();
                var v = PackedPairs.ReadItem(packed, ref p).ToArray();
                list.Add(new(f, v));
            }
            return list;
        }
    }

    /// <summary>The field at a position (its insertion rank while packed, its list slot after).</summary>
    public KeyValuePair<byte[], byte[]> EntryAt(int index) => IsListpack ? Entries.ElementAt(index) : _entries![index];

    /// <summary>A detached copy.</summary>
    public HashValue Clone()
    {
        var copy = new HashValue { _count = _count, _arrayBytes = _arrayBytes };
        if (IsListpack) copy._packed = PackedBytes.Owned(Packed.ToArray());
        else
        {
            copy._packed = default;
            copy._entries = new List<KeyValuePair<byte[], byte[]>>(_entries!);
            copy._index = new Dictionary<byte[], int>(_index!, ByteArrayComparer.Instance);
        }
        return copy;
    }

    /// <summary>Offset of the field's entry, or -1; <paramref name="valueStart"/> is where its value item starts.</summary>
    private static int Find(ReadOnlySpan<byte> packed, ReadOnlySpan<byte> field, out int valueStart)
    {
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

    /// <summary>Becomes a hashtable; an attached view becomes its slot's object.</summary>
    private void Convert()
    {
        var entries = (List<KeyValuePair<byte[], byte[]>>)Entries;
        _index = new Dictionary<byte[], int>(entries.Count, ByteArrayComparer.Instance);
        _arrayBytes = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            _index[entries[i].Key] = i;
            _arrayBytes += ValueSize.Array(entries[i].Key.Length) + ValueSize.Array(entries[i].Value.Length);
        }
        _entries = entries;
        var (table, slot) = _packed.Home;
        _packed = default;
        table?.SetObject(slot, this);
    }
}
