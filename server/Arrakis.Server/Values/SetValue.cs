using Arrakis.Protocol;

namespace Arrakis.Server.Values;

/// <summary>
/// A Redis set. While every member is a 64-bit integer in canonical form and there are at most
/// set-max-intset-entries of them, a sorted array (Redis's intset: SMEMBERS comes out ascending);
/// otherwise a hash set (Redis's hashtable), never converted back.
/// </summary>
internal sealed class SetValue : IMemberCollection
{
    public const int MaxIntsetEntries = 512;

    private List<long>? _ints = new();
    private HashSet<byte[]>? _table;

    public int Count => _ints?.Count ?? _table!.Count;

    public bool IsIntset => _ints is not null;

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints is not null) return RespNumber.TryParseInt64(member, out long v) && _ints.BinarySearch(v) >= 0;
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(member);
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
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().Add(member);
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
        return _table!.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(member);
    }

    /// <summary>Members in Redis's order for the encoding (ascending for intsets).</summary>
    public IEnumerable<byte[]> Members
    {
        get
        {
            if (_ints is null) return _table!;
            return _ints.Select(v => System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public byte[] MemberAt(int index) =>
        _ints is not null ? System.Text.Encoding.ASCII.GetBytes(_ints[index].ToString(System.Globalization.CultureInfo.InvariantCulture)) : _table!.ElementAt(index);

    public SetValue Clone()
    {
        var copy = new SetValue();
        if (_ints is not null) copy._ints = new List<long>(_ints);
        else
        {
            copy._ints = null;
            copy._table = new HashSet<byte[]>(_table!, ByteArrayComparer.Instance);
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
        _table = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var v in _ints!) _table.Add(System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _ints = null;
    }
}
