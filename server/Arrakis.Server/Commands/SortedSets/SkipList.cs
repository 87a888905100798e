using System.Runtime.InteropServices;
using Arrakis.Server.Commands.Hashes;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>A test on a member of a <see cref="SkipList"/> (its score and bytes).</summary>
internal delegate bool MemberTest(double score, ReadOnlySpan<byte> member);

/// <summary>
/// The big-sorted-set index: a skip list ordered by (score, member bytes) whose links carry spans, so
/// rank lookups and rank ranges are O(log n) (the structure Redis's zskiplist uses), together with the
/// member -> node hash index Redis keeps in a dict beside it. It holds no object per member: nodes are
/// structs in chunked arrays and are named by their index, the links above level 0 sit in one int pool,
/// and member bytes are records in a <see cref="RecordHeap"/>. A 12-byte member costs ~60 bytes against
/// ~200 when every node was three objects and a dictionary entry, and the collector walks nothing.
/// </summary>
/// <remarks>
/// Level-0 spans are always 1 and are not stored. A node with more levels has a block in the pool:
/// its level count, then (forward, span) for levels 1 and up. Node 0 is the header. Deleted nodes and
/// blocks are reused; chunks and pages are not given back. Not thread-safe: the stripe lock is held.
/// </remarks>
internal sealed class SkipList
{
    public const int None = -1;
    private const int MaxLevel = 32;
    private const int Header = 0;
    private const int ChunkShift = 12, ChunkSize = 1 << ChunkShift, ChunkMask = ChunkSize - 1;
    private const int FirstChunkSize = 256;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Node
    {
        public long Member;   // record address in _members; 0 for the header and free nodes
        public double Score;
        public int Backward;  // None for the first node
        public int Forward;   // the level-0 link, None at the tail
        public int Upper;     // the pool block of levels 1.., or None
        public int HashNext;  // the member index's chain; the free list's link for a free node
        public int Hash;
    }

    private const int NodeBytes = 36;

    private Node[][] _chunks = [new Node[FirstChunkSize]];
    private int _nodeCount = 1;
    private int _freeNode = None;
    private int[] _pool = new int[64];
    private int _poolUsed;
    private readonly int[] _freeBlocks = new int[MaxLevel + 1];
    private readonly RecordHeap _members = new();
    private int[] _buckets;
    private int _shift;
    private int _level = 1;

    public SkipList(int expected = 0)
    {
        _freeBlocks.AsSpan().Fill(None);
        ref var header = ref N(Header);
        header.Backward = header.Forward = header.HashNext = None;
        header.Upper = AllocateBlock(MaxLevel);
        int bits = Math.Max(4, 32 - int.LeadingZeroCount(Math.Max(expected, 1) - 1));
        _buckets = NewBuckets(bits);
    }

    public int Count { get; private set; }

    /// <summary>The last node, or <see cref="None"/>.</summary>
    public int Tail { get; private set; } = None;

    /// <summary>The first node, or <see cref="None"/>.</summary>
    public int First => N(Header).Forward;

    /// <summary>Bytes this index holds: node chunks, link pool, buckets and member pages.</summary>
    public long AllocatedBytes =>
        (_chunks.Length == 1 ? _chunks[0].Length : (long)_chunks.Length * ChunkSize) * NodeBytes // only the first chunk grows, to ChunkSize
        + (long)_pool.Length * 4 + (long)_buckets.Length * 4 + _members.Reserved;

    public double Score(int node) => N(node).Score;

    public ReadOnlySpan<byte> Member(int node)
    {
        var page = _members.Page(N(node).Member, out int at);
        int length = PackedPairs.ReadVarint(page, ref at);
        return page.Slice(at, length);
    }

    public int Next(int node) => N(node).Forward;

    public int Previous(int node) => N(node).Backward;

    /// <summary>The node of <paramref name="member"/>, or <see cref="None"/>.</summary>
    public int Find(ReadOnlySpan<byte> member) => Find(member, KeyTable.Hash(member));

    /// <summary>Adds a member that is not in the set.</summary>
    public void Insert(ReadOnlySpan<byte> member, double score)
    {
        int hash = KeyTable.Hash(member);
        int node = NewNode(RandomLevel());
        ref var n = ref N(node);
        n.Score = score;
        n.Hash = hash;
        int size = PackedPairs.ItemSize(member.Length);
        n.Member = _members.Allocate(size);
        PackedPairs.WriteItem(_members.Span(n.Member, size), member);
        Link(node, Count);
        int b = BucketOf(hash);
        N(node).HashNext = _buckets[b];
        _buckets[b] = node;
        Count++;
        if (Count > _buckets.Length) Rebucket(32 - _shift + 1);
    }

    /// <summary>Moves a node to a new score (Redis's zslUpdateScore: in place when its position holds).</summary>
    public void UpdateScore(int node, double score)
    {
        int back = N(node).Backward, forward = N(node).Forward;
        var member = Member(node);
        if ((back == None || Compare(back, score, member) < 0) && (forward == None || Compare(forward, score, member) > 0))
        {
            N(node).Score = score;
            return;
        }
        Unlink(node);
        N(node).Score = score;
        Link(node, Count - 1);
    }

    /// <summary>Removes a member; false when it is not in the set.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        int hash = KeyTable.Hash(member);
        int b = BucketOf(hash), previous = None;
        for (int i = _buckets[b]; i != None; previous = i, i = N(i).HashNext)
        {
            if (N(i).Hash != hash || !Member(i).SequenceEqual(member)) continue;
            if (previous == None) _buckets[b] = N(i).HashNext;
            else N(previous).HashNext = N(i).HashNext;
            Unlink(i);
            FreeNode(i);
            Count--;
            if (Count < _buckets.Length / 8 && _buckets.Length > 16) Rebucket(32 - _shift - 1);
            return true;
        }
        return false;
    }

    /// <summary>0-based rank of a node.</summary>
    public long RankOf(int node)
    {
        double score = N(node).Score;
        var member = Member(node);
        long rank = 0;
        int x = Header;
        for (int i = _level - 1; i >= 0; i--)
        {
            int f;
            while ((f = Forward(x, i)) != None && Compare(f, score, member) <= 0)
            {
                rank += SpanOf(x, i);
                x = f;
            }
            if (x == node) return rank - 1;
        }
        return -1;
    }

    /// <summary>The node at a 0-based rank, or <see cref="None"/>.</summary>
    public int AtRank(long rank)
    {
        if (rank < 0 || rank >= Count) return None;
        long traversed = 0, target = rank + 1;
        int x = Header;
        for (int i = _level - 1; i >= 0; i--)
        {
            int f;
            while ((f = Forward(x, i)) != None && traversed + SpanOf(x, i) <= target)
            {
                traversed += SpanOf(x, i);
                x = f;
            }
            if (traversed == target) return x;
        }
        return None;
    }

    /// <summary>The last node for which <paramref name="before"/> holds, walking from the head (the skip-list
    /// descent), or <see cref="None"/>.</summary>
    public int LastWhere(MemberTest before)
    {
        int x = Header;
        for (int i = _level - 1; i >= 0; i--)
        {
            int f;
            while ((f = Forward(x, i)) != None && before(N(f).Score, Member(f))) x = f;
        }
        return x == Header ? None : x;
    }

    /// <summary>The first node for which <paramref name="before"/> fails (the node after <see cref="LastWhere"/>).</summary>
    public int FirstWhereNot(MemberTest before) => LastWhere(before) is var last && last != None ? N(last).Forward : First;

    /// <summary>The length of the longest member (to pick an encoding).</summary>
    public int LongestMember()
    {
        int longest = 0;
        for (int n = First; n != None; n = N(n).Forward) longest = Math.Max(longest, Member(n).Length);
        return longest;
    }

    private ref Node N(int index) => ref _chunks[index >> ChunkShift][index & ChunkMask];

    private int Forward(int node, int level) => level == 0 ? N(node).Forward : _pool[N(node).Upper + 2 * level - 1];

    private void SetForward(int node, int level, int to)
    {
        if (level == 0) N(node).Forward = to;
        else _pool[N(node).Upper + 2 * level - 1] = to;
    }

    private long SpanOf(int node, int level) => level == 0 ? 1 : _pool[N(node).Upper + 2 * level];

    private void SetSpan(int node, int level, long span)
    {
        if (level > 0) _pool[N(node).Upper + 2 * level] = (int)span;
    }

    private int Levels(int node) => N(node).Upper == None ? 1 : _pool[N(node).Upper];

    private int Compare(int node, double score, ReadOnlySpan<byte> member)
    {
        int c = N(node).Score.CompareTo(score);
        return c != 0 ? c : Member(node).SequenceCompareTo(member);
    }

    private static int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && Random.Shared.Next(4) == 0) level++;
        return level;
    }

    private int Find(ReadOnlySpan<byte> member, int hash)
    {
        for (int i = _buckets[BucketOf(hash)]; i != None; i = N(i).HashNext)
        {
            if (N(i).Hash == hash && Member(i).SequenceEqual(member)) return i;
        }
        return None;
    }

    /// <summary>Links a node (score and member set, levels allocated) into the list of <paramref name="linked"/>
    /// nodes, at its place.</summary>
    private void Link(int node, int linked)
    {
        double score = N(node).Score;
        var member = Member(node);
        Span<int> update = stackalloc int[MaxLevel];
        Span<long> rank = stackalloc long[MaxLevel];
        int x = Header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            int f;
            while ((f = Forward(x, i)) != None && Compare(f, score, member) < 0)
            {
                rank[i] += SpanOf(x, i);
                x = f;
            }
            update[i] = x;
        }
        int level = Levels(node);
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = Header;
                SetSpan(Header, i, linked);
            }
            _level = level;
        }
        for (int i = 0; i < level; i++)
        {
            SetForward(node, i, Forward(update[i], i));
            SetForward(update[i], i, node);
            SetSpan(node, i, SpanOf(update[i], i) - (rank[0] - rank[i]));
            SetSpan(update[i], i, rank[0] - rank[i] + 1);
        }
        for (int i = level; i < _level; i++) SetSpan(update[i], i, SpanOf(update[i], i) + 1);
        N(node).Backward = update[0] == Header ? None : update[0];
        int next = N(node).Forward;
        if (next != None) N(next).Backward = node;
        else Tail = node;
    }

    /// <summary>Takes a node out of the list (it keeps its member and levels).</summary>
    private void Unlink(int node)
    {
        double score = N(node).Score;
        var member = Member(node);
        Span<int> update = stackalloc int[MaxLevel];
        int x = Header;
        for (int i = _level - 1; i >= 0; i--)
        {
            int f;
            while ((f = Forward(x, i)) != None && f != node && Compare(f, score, member) < 0) x = f;
            update[i] = x;
        }
        for (int i = 0; i < _level; i++)
        {
            if (Forward(update[i], i) == node)
            {
                SetSpan(update[i], i, SpanOf(update[i], i) + SpanOf(node, i) - 1);
                SetForward(update[i], i, Forward(node, i));
            }
            else
            {
                SetSpan(update[i], i, SpanOf(update[i], i) - 1);
            }
        }
        int next = N(node).Forward;
        if (next != None) N(next).Backward = N(node).Backward;
        else Tail = N(node).Backward;
        while (_level > 1 && Forward(Header, _level - 1) == None) _level--;
    }

    private int NewNode(int level)
    {
        int upper = level > 1 ? AllocateBlock(level) : None; // before taking a reference to the node
        int node;
        if (_freeNode != None)
        {
            node = _freeNode;
            _freeNode = N(node).HashNext;
        }
        else
        {
            node = _nodeCount++;
            int chunk = node >> ChunkShift;
            if (chunk == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length + 1);
            if (_chunks[chunk] is null) _chunks[chunk] = new Node[ChunkSize];
            else if ((node & ChunkMask) == _chunks[chunk].Length) Array.Resize(ref _chunks[chunk], Math.Min(ChunkSize, _chunks[chunk].Length * 2));
        }
        N(node) = new Node { Backward = None, Forward = None, Upper = upper, HashNext = None };
        return node;
    }

    private void FreeNode(int node)
    {
        ref var n = ref N(node);
        _members.Free(n.Member, PackedPairs.ItemSize(Member(node).Length));
        if (n.Upper != None)
        {
            int level = _pool[n.Upper];
            _pool[n.Upper + 1] = _freeBlocks[level];
            _freeBlocks[level] = n.Upper;
        }
        n = new Node { Backward = None, Forward = None, Upper = None, HashNext = _freeNode };
        _freeNode = node;
    }

    /// <summary>A pool block for a node of <paramref name="level"/> levels: the count, then (forward, span)
    /// for levels 1 to level-1, links cleared.</summary>
    private int AllocateBlock(int level)
    {
        int size = 2 * level - 1, block = _freeBlocks[level];
        if (block != None) _freeBlocks[level] = _pool[block + 1];
        else
        {
            if (_poolUsed + size > _pool.Length) Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolUsed + size));
            block = _poolUsed;
            _poolUsed += size;
        }
        _pool[block] = level;
        for (int i = 1; i < level; i++)
        {
            _pool[block + 2 * i - 1] = None;
            _pool[block + 2 * i] = 0;
        }
        return block;
    }

    private int BucketOf(int hash) => (int)(((uint)hash * 2654435769u) >> _shift);

    private int[] NewBuckets(int bits)
    {
        _shift = 32 - bits;
        var buckets = new int[1 << bits];
        buckets.AsSpan().Fill(None);
        return buckets;
    }

    /// <summary>Rebuilds the member index with 2^<paramref name="bits"/> buckets, from the chains of the old ones.</summary>
    private void Rebucket(int bits)
    {
        var old = _buckets;
        _buckets = NewBuckets(bits);
        foreach (int head in old)
        {
            for (int i = head, next; i != None; i = next)
            {
                next = N(i).HashNext;
                int b = BucketOf(N(i).Hash);
                N(i).HashNext = _buckets[b];
                _buckets[b] = i;
            }
        }
    }
}
