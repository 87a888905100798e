namespace Arrakis.Server.Commands.SortedSets;

/// <summary>
/// A Redis sorted set, answering by rank. Small sets are a <see cref="PackedZSet"/> (OBJECT
/// ENCODING "listpack": up to zset-max-listpack-entries 128 members of at most 64 bytes); bigger
/// ones a dictionary member -> score plus a <see cref="SkipList"/> whose links carry spans, so rank
/// lookups and ranges are O(log n). A set that outgrows the packed form never goes back, except
/// sets built whole by ZUNIONSTORE and friends, which take the encoding their size calls for.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the key's stripe lock.</remarks>
internal sealed partial class SortedSetValue : IMemberCollection
{
    public const int MaxListpackEntries = 128;
    public const int MaxListpackValue = 64;

    private PackedZSet? _packed = new();
    private Dictionary<byte[], double>? _scores;
    private SkipList? _list;

    public int Count => _packed?.Count ?? _scores!.Count;

    public bool IsListpack => _packed is not null;

    /// <summary>Bytes of the packed form (0 when it is a skip list).</summary>
    public int PackedLength => _packed?.Length ?? 0;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_packed is not null) return _packed.TryGetScore(member, out score);
        return _scores!.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(member, out score);
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
        var lookup = _scores!.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(member, out byte[]? key, out double current))
        {
            if (current == score) return false;
            _list!.Delete(current, key);
            _list.Insert(score, key);
            _scores[key] = score;
            return false;
        }
        var copy = member.ToArray();
        _scores[copy] = score;
        _list!.Insert(score, copy);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_packed is not null) return _packed.Remove(member);
        var lookup = _scores!.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(member, out byte[]? key, out double score)) return false;
        _list!.Delete(score, key);
        _scores.Remove(key);
        return true;
    }

    /// <summary>0-based ascending rank of a member, or -1.</summary>
    public long RankOf(ReadOnlySpan<byte> member)
    {
        if (_packed is not null) return _packed.RankOf(member);
        var lookup = _scores!.GetAlternateLookup<ReadOnlySpan<byte>>();
        return lookup.TryGetValue(member, out byte[]? key, out double score) ? _list!.RankOf(score, key) : -1;
    }

    /// <summary>The member at a 0-based ascending rank (which must exist).</summary>
    public (byte[] Member, double Score) At(long rank)
    {
        if (_packed is not null) return _packed.At(rank);
        var n = _list!.AtRank(rank)!;
        return (n.Member, n.Score);
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
        for (var n = _list!.AtRank(rank); n is not null; n = reverse ? n.Backward : n.Forward[0]) yield return (n.Member, n.Score);
    }

    public IEnumerable<(byte[] Member, double Score)> Ascending() => Walk(0, reverse: false);

    /// <summary>Chooses the encoding Redis picks for a freshly built set (ZUNIONSTORE, ZRANGESTORE...).</summary>
    public void SetEncodingForNewSet()
    {
        if (_packed is not null || Count > MaxListpackEntries || _scores!.Keys.Any(k => k.Length > MaxListpackValue)) return;
        var packed = new PackedZSet();
        foreach (var (m, s) in Ascending()) packed.Insert(m, s);
        _packed = packed;
        _scores = null;
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

    private void ConvertToSkipList()
    {
        var entries = _packed!.All();
        _packed = null;
        _scores = new Dictionary<byte[], double>(ByteArrayComparer.Instance);
        _list = new SkipList();
        foreach (var (m, s) in entries)
        {
            _scores[m] = s;
            _list.Insert(s, m);
        }
    }
}
