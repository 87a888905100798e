namespace Arrakis.Server.Commands.SortedSets;

/// <summary>
/// The big-sorted-set index: a skip list ordered by (score, member bytes) whose forward links carry
/// spans, so rank lookups and rank ranges are O(log n) (the structure Redis's zskiplist uses).
/// </summary>
internal sealed class SkipList
{
    private const int MaxLevel = 32;

    private readonly Node _header = new(MaxLevel, 0, []);
    private int _level = 1;

    public long Length { get; private set; }

    public Node? Tail { get; private set; }

    public Node? First => _header.Forward[0];

    internal sealed class Node(int levels, double score, byte[] member)
    {
        public readonly byte[] Member = member;
        public readonly double Score = score;
        public Node? Backward;
        public readonly Node?[] Forward = new Node?[levels];
        public readonly long[] Span = new long[levels];
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

    public void Insert(double score, byte[] member)
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
                update[i].Span[i] = Length;
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
        else Tail = node;
        Length++;
    }

    public void Delete(double score, byte[] member)
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
        else Tail = target.Backward;
        while (_level > 1 && _header.Forward[_level - 1] is null) _level--;
        Length--;
    }

    /// <summary>0-based rank of (score, member), or -1.</summary>
    public long RankOf(double score, byte[] member)
    {
        long rank = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && Compare(f.Score, f.Member, score, member) <= 0)
            {
                rank += x.Span[i];
                x = f;
            }
            if (x != _header && x.Score == score && x.Member.AsSpan().SequenceEqual(member)) return rank - 1;
        }
        return -1;
    }

    public Node? AtRank(long rank)
    {
        if (rank < 0 || rank >= Length) return null;
        long traversed = 0, target = rank + 1;
        var x = _header;
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

    /// <summary>The last node for which <paramref name="before"/> holds, walking from the head (the skip-list descent).</summary>
    public Node? LastWhere(Func<Node, bool> before)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } f && before(f)) x = f;
        }
        return x == _header ? null : x;
    }

    /// <summary>The first node for which <paramref name="before"/> fails (the node after <see cref="LastWhere"/>).</summary>
    public Node? FirstWhereNot(Func<Node, bool> before) => LastWhere(before) is { } last ? last.Forward[0] : First;
}
