namespace Arrakis.Server.Values;

/// <summary>
/// A Redis sorted set: a dictionary member -> score plus a skip list ordered by (score, member
/// bytes) whose links carry spans, so rank lookups and rank/score/lex ranges are O(log n).
/// OBJECT ENCODING is "listpack" until zset-max-listpack-entries (128) members or a member longer
/// than zset-max-listpack-value (64) bytes, then "skiplist" for good, as in Redis.
/// </summary>
internal sealed partial class SortedSetValue
{
    public const int MaxListpackEntries = 128;
    public const int MaxListpackValue = 64;
    private const int MaxLevel = 32;

    private readonly Dictionary<byte[], double> _scores = new(ByteArrayComparer.Instance);
    private readonly Node _header = new(MaxLevel, 0, []);
    private Node? _tail;
    private int _level = 1;

    public int Count => _scores.Count;

    public bool IsListpack { get; private set; } = true;

    internal sealed class Node(int levels, double score, byte[] member)
    {
        public readonly byte[] Member = member;
        public double Score = score;
        public Node? Backward;
        public readonly Node?[] Forward = new Node?[levels];
        public readonly long[] Span = new long[levels];
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score) =>
        _scores.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(member, out score);

    /// <summary>Adds or re-scores a member; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        var lookup = _scores.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(member, out double old))
        {
            if (old == score) return false;
            var key = FindKey(member);
            Delete(old, key);
            Insert(score, key);
            _scores[key] = score;
            return false;
        }
        var copy = member.ToArray();
        _scores[copy] = score;
        Insert(score, copy);
        if (IsListpack && (Count > MaxListpackEntries || copy.Length > MaxListpackValue)) IsListpack = false;
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var lookup = _scores.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(member, out double score)) return false;
        var key = FindKey(member);
        Delete(score, key);
        _scores.Remove(key);
        return true;
    }

    private byte[] FindKey(ReadOnlySpan<byte> member)
    {
        var lookup = _scores.GetAlternateLookup<ReadOnlySpan<byte>>();
        lookup.TryGetValue(member, out byte[]? actual, out _);
        return actual!;
    }

    /// <summary>Chooses the encoding Redis picks for a freshly built set (ZUNIONSTORE, ZRANGESTORE...).</summary>
    public void SetEncodingForNewSet()
    {
        IsListpack = Count <= MaxListpackEntries && _scores.Keys.All(k => k.Length <= MaxListpackValue);
    }

    private static int Compare(double s1, byte[] m1, double s2, byte[] m2)
    {
        int c = s1.CompareTo(s2);
        return c != 0 ? c : m1.AsSpan().SequenceCompareTo(m2);
    }

    private static int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && Random.Shared.Next(4) == 0) level++;
        return level;
    }

    private void Insert(double score, byte[] member)
    {
        Span<long> rank = stackalloc long[MaxLevel];
        var update = new Node[MaxLevel];
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            while (x.Forward[i] is { } f && Compare(f.Score, f.Member, score, member) < 0)
            {
                rank[i] += x.Span[i];
                x = f;
            }
            update[i] = x;
        }
        int level = RandomLevel();
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                update[i].Span[i] = Count - 1; // Count already includes the new member
            }
            _level = level;
        }
        var node = new Node(level, score, member);
        for (int i = 0; i < level; i++)
        {
            node.Forward[i] = update[i].Forward[i];
            update[i].Forward[i] = node;
            node.Span[i] = update[i].Span[i] - (rank[0] - rank[i]);
            update[i].Span[i] = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++) update[i].Span[i]++;
        node.Backward = update[0] == _header ? null : update[0];
        if (node.Forward[0] is { } next) next.Backward = node;
        else _tail = node;
    }

    private void Delete(double score, byte[] member)
    {
        var update = new Node[MaxLevel];
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && Compare(f.Score, f.Member, score, member) < 0) x = f;
            update[i] = x;
        }
        var target = x.Forward[0];
        if (target is null || target.Score != score || !target.Member.AsSpan().SequenceEqual(member)) return;
        for (int i = 0; i < _level; i++)
        {
            if (update[i].Forward[i] == target)
            {
                update[i].Span[i] += target.Span[i] - 1;
                update[i].Forward[i] = target.Forward[i];
            }
            else
            {
                update[i].Span[i]--;
            }
        }
        if (target.Forward[0] is { } next) next.Backward = target.Backward;
        else _tail = target.Backward;
        while (_level > 1 && _header.Forward[_level - 1] is null) _level--;
    }

    /// <summary>0-based rank of a member in ascending order, or -1.</summary>
    public long RankOf(ReadOnlySpan<byte> member)
    {
        if (!TryGetScore(member, out double score)) return -1;
        var key = FindKey(member);
        long rank = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && Compare(f.Score, f.Member, score, key) <= 0)
            {
                rank += x.Span[i];
                x = f;
            }
            if (x != _header && ReferenceEquals(x.Member, key)) return rank - 1;
        }
        return -1;
    }

    /// <summary>The node at 0-based ascending rank, or null.</summary>
    public Node? AtRank(long rank)
    {
        if (rank < 0 || rank >= Count) return null;
        long traversed = 0;
        var x = _header;
        long target = rank + 1;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && traversed + x.Span[i] <= target)
            {
                traversed += x.Span[i];
                x = f;
            }
            if (traversed == target) return x;
        }
        return null;
    }

    public Node? First => _header.Forward[0];

    public Node? Last => _tail;

    public static Node? Next(Node n) => n.Forward[0];

    public static Node? Previous(Node n) => n.Backward;

    public IEnumerable<(byte[] Member, double Score)> Ascending()
    {
        for (var n = First; n is not null; n = n.Forward[0]) yield return (n.Member, n.Score);
    }

    public SortedSetValue Clone()
    {
        var copy = new SortedSetValue();
        foreach (var (m, s) in Ascending()) copy.Set(m, s);
        copy.IsListpack = IsListpack;
        return copy;
    }
}
