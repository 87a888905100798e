namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// A stream as Redis 7.0 keeps it: nodes (listpacks of up to <see cref="NodeMaxEntries"/> entries or
/// <see cref="NodeMaxBytes"/> bytes, delta-encoded against the node's master ID) in ID order, binary
/// searched by master ID (Redis keeps them in a rax keyed by the 128-bit master ID), plus the 7.0
/// metadata (length, last ID, first ID, max deleted ID, entries added) and the consumer groups.
/// </summary>
/// <remarks>Guarded by its key's stripe lock. No object per entry: an entry lives only in its node's bytes.</remarks>
internal sealed class StreamValue
{
    public const int NodeMaxBytes = 4096;
    public const int NodeMaxEntries = 100;
    private const long ListpackMaxSize = 1L << 30;

    private readonly List<StreamNode> _nodes = new();
    private long _nodeBytes; // sum of NodeBytes over the nodes, kept as they change

    public IReadOnlyList<StreamNode> Nodes => _nodes;

    /// <summary>Bytes held: this object, the nodes and their listpacks, and the consumer groups (a term per group and consumer).</summary>
    public long AllocatedBytes => Keyspace.ValueSize.ObjectHeader + 64 + Keyspace.ValueSize.ListObject + Keyspace.ValueSize.Array(8L * _nodes.Capacity) + _nodeBytes
        + (Groups?.Values.Sum(g => Keyspace.ValueSize.ObjectHeader + 48 + g.Pending.Count * (Keyspace.ValueSize.ObjectHeader + 64L)
            + g.Consumers.Values.Sum(c => Keyspace.ValueSize.ObjectHeader + Keyspace.ValueSize.Array(c.Name.Length) + c.Pending.Count * 48L)) ?? 0);

    private static long NodeBytes(StreamNode node) => Keyspace.ValueSize.ObjectHeader + 16 + Keyspace.ValueSize.Array(node.Lp.Length);

    public long Length { get; private set; }

    public StreamId LastId { get; set; }

    public StreamId FirstId { get; set; }

    public StreamId MaxDeletedId { get; set; }

    public long EntriesAdded { get; set; }

    /// <summary>Consumer groups by name (memcmp order, as Redis's rax); null until the first is created.</summary>
    public SortedDictionary<byte[], StreamGroup>? Groups { get; set; }

    public StreamGroup? FindGroup(ReadOnlySpan<byte> name)
    {
        if (Groups is null) return null;
        return Groups.TryGetValue(name.ToArray(), out var g) ? g : null;
    }

    /// <summary>Outcome of <see cref="TryAppend"/>.</summary>
    public enum AppendResult { Ok, IdTooSmall, TooLarge }

    /// <summary>
    /// Adds an entry (streamAppendItem): <paramref name="explicitId"/> null generates one from
    /// <paramref name="nowMs"/>; <paramref name="seqGiven"/> false picks the sequence for "ms-*".
    /// Nothing changes unless the result is Ok.
    /// </summary>
    public AppendResult TryAppend<T>(T fields, StreamId? explicitId, bool seqGiven, long nowMs, out StreamId id) where T : IFieldSource
    {
        id = default;
        long total = 0;
        for (int i = 0; i < fields.Pairs * 2; i++) total += fields.Get(i).Length;
        if (total > ListpackMaxSize) return AppendResult.TooLarge;
        if (explicitId is { } given)
        {
            if (seqGiven) id = given;
            else if (LastId.Ms == given.Ms)
            {
                // 7.0.15 fails here without setting errno, so XADD answers its other error text.
                if (LastId.Seq == ulong.MaxValue) return AppendResult.TooLarge;
                id = new StreamId(LastId.Ms, LastId.Seq + 1);
            }
            else id = given;
        }
        else
        {
            ulong ms = (ulong)Math.Max(0, nowMs);
            id = ms > LastId.Ms ? new StreamId(ms, 0) : LastId.TryIncrement(out var n) ? n : LastId;
        }
        if (id <= LastId) return AppendResult.IdTooSmall;
        AppendEntry(fields, id, total);
        Length++;
        EntriesAdded++;
        LastId = id;
        if (Length == 1) FirstId = id;
        return AppendResult.Ok;
    }

    private void AppendEntry<T>(T fields, StreamId id, long total) where T : IFieldSource
    {
        int n = fields.Pairs;
        int nodesBefore = _nodes.Count;
        long tailBefore = nodesBefore > 0 ? NodeBytes(_nodes[^1]) : 0;
        StreamNode? node = _nodes.Count > 0 ? _nodes[^1] : null;
        if (node is not null)
        {
            long bytes = Listpack.Bytes(node.Lp);
            if (bytes + total >= NodeMaxBytes) node = null;
            else if (node.Live + node.Deleted >= NodeMaxEntries) node = null;
        }
        int flags = 0;
        if (node is null)
        {
            // The tail node is full: it only shrinks from now on, so its spare capacity goes.
            if (_nodes.Count > 0 && _nodes[^1].Lp.Length > Listpack.Bytes(_nodes[^1].Lp)) _nodes[^1].Lp = Listpack.ToExact(_nodes[^1].Lp);
            var lp = Listpack.New((int)Math.Min(NodeMaxBytes, 64 + total * 2));
            Listpack.AppendInteger(ref lp, 1);
            Listpack.AppendInteger(ref lp, 0);
            Listpack.AppendInteger(ref lp, n);
            for (int i = 0; i < n; i++) Listpack.Append(ref lp, fields.Get(i * 2));
            Listpack.AppendInteger(ref lp, 0);
            node = new StreamNode(id, lp);
            _nodes.Add(node);
            flags = StreamNode.FlagSameFields;
        }
        else
        {
            node.AdjustCounts(+1, 0);
            if (n == node.MasterFieldCount && SameAsMaster(node, fields)) flags = StreamNode.FlagSameFields;
        }
        bool same = flags != 0;
        Listpack.AppendInteger(ref node.Lp, flags);
        Listpack.AppendInteger(ref node.Lp, (long)(id.Ms - node.Master.Ms));
        Listpack.AppendInteger(ref node.Lp, (long)(id.Seq - node.Master.Seq));
        if (!same) Listpack.AppendInteger(ref node.Lp, n);
        for (int i = 0; i < n; i++)
        {
            if (!same) Listpack.Append(ref node.Lp, fields.Get(i * 2));
            Listpack.Append(ref node.Lp, fields.Get(i * 2 + 1));
        }
        Listpack.AppendInteger(ref node.Lp, same ? n + 3 : n * 2 + 4);
        _nodeBytes += (nodesBefore > 0 ? NodeBytes(_nodes[nodesBefore - 1]) : 0) - tailBefore + (_nodes.Count > nodesBefore ? NodeBytes(_nodes[^1]) : 0);
    }

    private static bool SameAsMaster<T>(StreamNode node, T fields) where T : IFieldSource
    {
        Span<byte> scratch = stackalloc byte[24];
        int p = node.MasterFieldsPos;
        for (int i = 0; i < fields.Pairs; i++)
        {
            if (!Listpack.GetBytes(node.Lp, p, scratch).SequenceEqual(fields.Get(i * 2))) return false;
            p = Listpack.Next(node.Lp, p);
        }
        return true;
    }

    /// <summary>Index of the last node whose master ID is &lt;= <paramref name="id"/> (0 when none is).</summary>
    public int NodeIndexFor(StreamId id)
    {
        int lo = 0, hi = _nodes.Count - 1, found = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (_nodes[mid].Master <= id)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>Flags the entry <paramref name="id"/> deleted (streamDeleteItem); frees its node when it was the last live one.</summary>
    public bool Delete(StreamId id)
    {
        if (_nodes.Count == 0) return false;
        int index = NodeIndexFor(id);
        var node = _nodes[index];
        for (int p = node.FirstEntryPos; !Listpack.AtEnd(node.Lp, p);)
        {
            int next = node.ReadEntry(p, out var e);
            if (e.Id > id) return false;
            if (e.Id == id)
            {
                if (e.IsDeleted) return false;
                long before = NodeBytes(node);
                if (node.Live == 1)
                {
                    _nodes.RemoveAt(index);
                    _nodeBytes -= before;
                }
                else
                {
                    node.MarkDeleted(p, e.Flags);
                    _nodeBytes += NodeBytes(node) - before;
                }
                Length--;
                return true;
            }
            p = next;
        }
        return false;
    }

    /// <summary>First (or last) entry's ID, skipping deleted entries; Max (first) or Zero (last) when empty (streamGetEdgeID).</summary>
    public StreamId EdgeId(bool first)
    {
        var it = new StreamIterator(this, StreamId.Zero, StreamId.Max, reverse: !first);
        if (it.Next(out var e)) return e.Id;
        return first ? StreamId.Max : StreamId.Zero;
    }

    /// <summary>streamTrim: removes old entries by MAXLEN or MINID; returns how many.</summary>
    public long Trim(in StreamTrim args)
    {
        if (args.Strategy == StreamTrimStrategy.None) return 0;
        long deleted = 0;
        while (_nodes.Count > 0)
        {
            if (args.Strategy == StreamTrimStrategy.MaxLen && Length <= args.MaxLen) break;
            var node = _nodes[0];
            long entries = node.Live;
            if (args.Limit != 0 && deleted + entries > args.Limit) break;
            bool remove = args.Strategy == StreamTrimStrategy.MaxLen ? Length - entries >= args.MaxLen : node.LastEntryId() < args.MinId;
            if (remove)
            {
                _nodes.RemoveAt(0);
                _nodeBytes -= NodeBytes(node);
                Length -= entries;
                deleted += entries;
                continue;
            }
            if (args.Approx) break;
            long fromNode = 0, before = NodeBytes(node);
            for (int p = node.FirstEntryPos; !Listpack.AtEnd(node.Lp, p);)
            {
                int next = node.ReadEntry(p, out var e);
                bool stop = args.Strategy == StreamTrimStrategy.MaxLen ? Length <= args.MaxLen : e.Id >= args.MinId;
                if (stop) break;
                if (!e.IsDeleted)
                {
                    Listpack.ReplaceInteger(ref node.Lp, p, e.Flags | StreamNode.FlagDeleted);
                    fromNode++;
                    Length--;
                }
                p = next;
            }
            deleted += fromNode;
            node.AdjustCounts(-fromNode, fromNode);
            _nodeBytes += NodeBytes(node) - before;
            break;
        }
        FirstId = Length > 0 ? EdgeId(first: true) : StreamId.Zero;
        return deleted;
    }

    /// <summary>Number of nodes of the rax Redis would hold for these node keys (XINFO's radix-tree-nodes).</summary>
    public long RaxNodeCount() => RaxShape.NodeCount(_nodes.Select(n => n.Master).ToList());

    /// <summary>Adds a node read from an RDB (keys must arrive in ascending order).</summary>
    public void AddLoadedNode(StreamNode node)
    {
        _nodes.Add(node);
        _nodeBytes += NodeBytes(node);
    }

    /// <summary>Restores the entry count after loading nodes.</summary>
    public void SetLength(long length) => Length = length;

    public StreamValue Clone()
    {
        var copy = new StreamValue
        {
            Length = Length,
            LastId = LastId,
            FirstId = FirstId,
            MaxDeletedId = MaxDeletedId,
            EntriesAdded = EntriesAdded,
        };
        foreach (var n in _nodes) copy.AddLoadedNode(n.Clone());
        if (Groups is not null)
        {
            copy.Groups = new SortedDictionary<byte[], StreamGroup>(ByteArrayComparer.Instance);
            foreach (var (name, g) in Groups) copy.Groups[name] = g.Clone();
        }
        return copy;
    }
}
