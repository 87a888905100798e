using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>
/// A Redis sorted set, answering by rank. Small sets are a <see cref="PackedZSet"/> (OBJECT
/// ENCODING "listpack": up to zset-max-listpack-entries 128 members of at most 64 bytes); bigger
/// ones a <see cref="SkipList"/> (links with spans, so rank lookups and ranges are O(log n), and a
/// member index beside it) that holds no object per member. A set that outgrows the packed form never goes back, except
/// sets built whole by ZUNIONSTORE and friends, which take the encoding their size calls for.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the key's stripe lock.</remarks>
internal sealed partial class SortedSetValue : IMemberCollection, IPackedValue
{
    public const int MaxListpackEntries = 128;
    public const int MaxListpackValue = 64;

    private PackedZSet? _packed = new();
    private SkipList? _list;

    public int Count => _packed?.Count ?? _list!.Count;

    public bool IsListpack => _packed is not null;

    /// <summary>A view of the packed sorted set in a table's slot.</summary>
    public static SortedSetValue Attached(KeyTable table, int slot) => new() { _packed = PackedZSet.Attached(table, slot) };

    /// <summary>A detached packed sorted set owning <paramref name="packed"/>.</summary>
    public static SortedSetValue FromPacked(byte[] packed) => new() { _packed = PackedZSet.FromBytes(packed) };

    public ReadOnlySpan<byte> Packed => _packed is not null ? _packed.Data : default;

    public int PackedKind => KeyTable.PackedZSet;

    public void Attach(KeyTable table, int slot) => _packed!.Attach(table, slot);

    /// <summary>Bytes of the packed form (0 when it is a skip list).</summary>
    public int PackedLength => _packed?.Length ?? 0;

    /// <summary>Bytes beyond the object: the packed array, or the skip list's arrays and pages.</summary>
    public long AllocatedBytes => _packed is not null ? ValueSize.Array(_packed.Length) : _list!.AllocatedBytes;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_packed is not null) return _packed.TryGetScore(member, out score);
        int node = _list!.Find(member);
        score = node == SkipList.None ? 0 : _list.Score(node);
        return node != SkipList.None;
    }

    /// <summary>Adds or re-scores a member; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        if (_packed is not null)
        {
            bool exists = _packed.TryGetScore(member, out double old);
            if (exists && old == score) return false;
            if (!exists && (_packed.Count + 1 > MaxListpackEntries || member.Length > MaxListpackValue))
            {
                ConvertToSkipList();
                return Set(member, score);
            }
            if (exists) _packed.Remove(member);
            _packed.Insert(member, score == 0 ? 0 : score); // Redis 7.0's listpack stores -0 as "0"; its skip list keeps -0
            return !exists;
        }
        int node = _list!.Find(member);
        if (node != SkipList.None)
        {
            if (_list.Score(node) == score) return false;
            _list.UpdateScore(node, score);
            return false;
        }
        _list.Insert(member, score);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_packed is not null) return _packed.Remove(member);
        return _list!.Remove(member);
    }

    /// <summary>0-based ascending rank of a member, or -1.</summary>
    public long RankOf(ReadOnlySpan<byte> member)
    {
        if (_packed is not null) return _packed.RankOf(member);
        int node = _list!.Find(member);
        return node == SkipList.None ? -1 : _list.RankOf(node);
    }

    /// <summary>The member at a 0-based ascending rank (which must exist).</summary>
    public (byte[] Member, double Score) At(long rank)
    {
        if (_packed is not null) return _packed.At(rank);
        int node = _list!.AtRank(rank);
        return (_list.Member(node).ToArray(), _list.Score(node));
    }

    /// <summary>Members from <paramref name="rank"/> on, ascending or (reverse) descending.</summary>
    public IEnumerable<(byte[] Member, double Score)> Walk(long rank, bool reverse)
    {
        if (rank < 0 || rank >= Count) yield break;
        if (_packed is not null)
        {
            var all = _packed.All();
            if (reverse)
            {
                for (long i = rank; i >= 0; i--) yield return all[(int)i];
            }
            else
            {
                for (long i = rank; i < all.Count; i++) yield return all[(int)i];
            }
            yield break;
        }
        var list = _list!;
        for (int n = list.AtRank(rank); n != SkipList.None; n = reverse ? list.Previous(n) : list.Next(n)) yield return (list.Member(n).ToArray(), list.Score(n));
    }

    public IEnumerable<(byte[] Member, double Score)> Ascending() => Walk(0, reverse: false);

    /// <summary>Chooses the encoding Redis picks for a freshly built set (ZUNIONSTORE, ZRANGESTORE...).</summary>
    public void SetEncodingForNewSet()
    {
        if (_packed is not null || Count > MaxListpackEntries || _list!.LongestMember() > MaxListpackValue) return;
        var packed = new PackedZSet();
        foreach (var (m, s) in Ascending()) packed.Insert(m, s);
        _packed = packed;
        _list = null;
    }

    /// <summary>Makes a packed set a skip list for good (Redis 7.0's SORT converts every sorted set it reads).</summary>
    public void EnsureSkipList()
    {
        if (_packed is not null) ConvertToSkipList();
    }

    public SortedSetValue Clone()
    {
        var copy = new SortedSetValue();
        if (_packed is not null)
        {
            copy._packed = _packed.Clone();
            return copy;
        }
        copy.ConvertToSkipList();
        foreach (var (m, s) in Ascending()) copy.Set(m, s);
        return copy;
    }

    /// <summary>Becomes a skip list; an attached view becomes its slot's object.</summary>
    private void ConvertToSkipList()
    {
        var entries = _packed!.All();
        var (table, slot) = _packed.Home;
        _packed = null;
        _list = new SkipList(entries.Count);
        foreach (var (m, s) in entries) _list.Insert(m, s);
        table?.SetObject(slot, this);
    }
}
