using Arrakis.Server.Keyspace;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Sets;

/// <summary>
/// A Redis set. While every member is a 64-bit integer in canonical form and there are at most
/// set-max-intset-entries of them, a sorted array (Redis's intset: SMEMBERS comes out ascending);
/// otherwise a member list with an index (Redis's hashtable), never converted back. The list
/// makes a random member (SPOP, SRANDMEMBER) O(1); removal swaps the last member into the hole.
/// </summary>
internal sealed class SetValue : IMemberCollection
{
    public const int MaxIntsetEntries = 512;

    private List<long>? _ints = new();
    private Dictionary<byte[], int>? _index;
    private List<byte[]>? _members;
    private long _arrayBytes; // hashtable: the members' arrays, kept as they change

    /// <summary>Bytes beyond the object: the intset's list, or the hashtable's index, member list and arrays.</summary>
    public long AllocatedBytes => _ints is not null
        ? ValueSize.ListObject + ValueSize.Array(8L * _ints.Capacity)
        : ValueSize.Dictionary(_index!.EnsureCapacity(0), 24) + ValueSize.ListObject + ValueSize.Array(8L * _members!.Capacity) + _arrayBytes;

    public int Count => _ints?.Count ?? _members!.Count;

    public bool IsIntset => _ints is not null;

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints is not null) return RespNumber.TryParseInt64(member, out long v) && _ints.BinarySearch(v) >= 0;
        return _index!.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(member);
    }

    /// <summary>Adds a member; true when it was not there.</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        if (_ints is not null)
        {
            if (RespNumber.TryParseInt64(member, out long v))
            {
                int i = _ints.BinarySearch(v);
                if (i >= 0) return false;
                _ints.Insert(~i, v);
                if (_ints.Count > MaxIntsetEntries) Convert();
                return true;
            }
            Convert();
        }
        return AddToTable(member.ToArray());
    }

    private bool AddToTable(byte[] member)
    {
        if (!_index!.TryAdd(member, _members!.Count)) return false;
        _members.Add(member);
        _arrayBytes += ValueSize.Array(member.Length);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_ints is not null)
        {
            if (!RespNumber.TryParseInt64(member, out long v)) return false;
            int i = _ints.BinarySearch(v);
            if (i < 0) return false;
            _ints.RemoveAt(i);
            return true;
        }
        if (!_index!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(member, out _, out int at)) return false;
        _arrayBytes -= ValueSize.Array(_members![at].Length);
        var last = _members[^1];
        _members.RemoveAt(_members.Count - 1);
        if (at < _members.Count)
        {
            _members[at] = last;
            _index[last] = at;
        }
        return true;
    }

    /// <summary>Members in Redis's order for the encoding (ascending for intsets).</summary>
    public IEnumerable<byte[]> Members
    {
        get
        {
            if (_ints is null) return _members!;
            return _ints.Select(v => System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public byte[] MemberAt(int index) =>
        _ints is not null ? System.Text.Encoding.ASCII.GetBytes(_ints[index].ToString(System.Globalization.CultureInfo.InvariantCulture)) : _members![index];

    public SetValue Clone()
    {
        var copy = new SetValue();
        if (_ints is not null) copy._ints = new List<long>(_ints);
        else
        {
            copy._ints = null;
            copy._arrayBytes = _arrayBytes;
            copy._members = new List<byte[]>(_members!);
            copy._index = new Dictionary<byte[], int>(_index!, ByteArrayComparer.Instance);
        }
        return copy;
    }

    /// <summary>Builds a set from members (for SINTERSTORE and friends), with the encoding Redis would pick.</summary>
    public static SetValue From(IEnumerable<byte[]> members)
    {
        var s = new SetValue();
        foreach (var m in members) s.Add(m);
        return s;
    }

    private void Convert()
    {
        _index = new Dictionary<byte[], int>(ByteArrayComparer.Instance);
        _members = new List<byte[]>();
        foreach (var v in _ints!) AddToTable(System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _ints = null;
    }
}
