namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// One node of a stream: a listpack laid out exactly as Redis 7.0's (t_stream.c), keyed by its
/// master ID. Master entry: count (live), deleted, num-fields, the fields, 0. Then per entry: flags,
/// ms-diff, seq-diff, [num-fields, field, value ...] or, with SAMEFIELDS, the values only, then
/// lp-count (the entry's element count, for walking right to left). XDEL sets the DELETED flag in place.
/// </summary>
internal sealed class StreamNode(StreamId master, byte[] lp)
{
    public const int FlagDeleted = 1;
    public const int FlagSameFields = 2;

    public StreamId Master { get; } = master;

    /// <summary>The listpack (spare capacity after <see cref="Listpack.Bytes"/>).</summary>
    public byte[] Lp = lp;

    /// <summary>Live entries.</summary>
    public long Live => Listpack.GetInteger(Lp, Listpack.First);

    /// <summary>Entries flagged deleted.</summary>
    public long Deleted => Listpack.GetInteger(Lp, Listpack.Next(Lp, Listpack.First));

    public int MasterFieldCount => (int)Listpack.GetInteger(Lp, Listpack.Next(Lp, Listpack.Next(Lp, Listpack.First)));

    /// <summary>Position of the first master field.</summary>
    public int MasterFieldsPos => Listpack.Next(Lp, Listpack.Next(Lp, Listpack.Next(Lp, Listpack.First)));

    /// <summary>Position of the first entry's flags (past the master entry's terminator).</summary>
    public int FirstEntryPos
    {
        get
        {
            int n = MasterFieldCount;
            int p = MasterFieldsPos;
            for (int i = 0; i < n; i++) p = Listpack.Next(Lp, p);
            return Listpack.Next(Lp, p);
        }
    }

    /// <summary>Reads the entry at <paramref name="pos"/>; returns the position of the next entry (or the terminator).</summary>
    public int ReadEntry(int pos, out StreamEntry entry)
    {
        int flags = (int)Listpack.GetInteger(Lp, pos);
        int p = Listpack.Next(Lp, pos);
        ulong ms = (ulong)Listpack.GetInteger(Lp, p);
        p = Listpack.Next(Lp, p);
        ulong seq = (ulong)Listpack.GetInteger(Lp, p);
        p = Listpack.Next(Lp, p);
        int fields;
        int fieldsPos;
        if ((flags & FlagSameFields) != 0)
        {
            fields = MasterFieldCount;
            fieldsPos = p;
        }
        else
        {
            fields = (int)Listpack.GetInteger(Lp, p);
            p = Listpack.Next(Lp, p);
            fieldsPos = p;
        }
        int skip = (flags & FlagSameFields) != 0 ? fields : fields * 2;
        for (int i = 0; i < skip; i++) p = Listpack.Next(Lp, p);
        entry = new StreamEntry(this, pos, new StreamId(Master.Ms + ms, Master.Seq + seq), flags, fields, fieldsPos);
        return Listpack.Next(Lp, p); // past lp-count
    }

    /// <summary>Positions of every entry (live or deleted), in order.</summary>
    public List<int> EntryPositions()
    {
        var list = new List<int>();
        for (int p = FirstEntryPos; !Listpack.AtEnd(Lp, p);)
        {
            list.Add(p);
            p = ReadEntry(p, out _);
        }
        return list;
    }

    /// <summary>The ID of the last entry, deleted or not (lpGetEdgeStreamID).</summary>
    public StreamId LastEntryId()
    {
        int lpCount = Listpack.Prev(Lp, Listpack.Bytes(Lp) - 1);
        long n = Listpack.GetInteger(Lp, lpCount);
        int p = lpCount;
        for (long i = 0; i < n; i++) p = Listpack.Prev(Lp, p);
        int msPos = Listpack.Next(Lp, p);
        ulong ms = (ulong)Listpack.GetInteger(Lp, msPos);
        ulong seq = (ulong)Listpack.GetInteger(Lp, Listpack.Next(Lp, msPos));
        return new StreamId(Master.Ms + ms, Master.Seq + seq);
    }

    /// <summary>Flags the entry at <paramref name="pos"/> deleted and moves it from the live to the deleted count.</summary>
    public void MarkDeleted(int pos, int flags)
    {
        Listpack.ReplaceInteger(ref Lp, pos, flags | FlagDeleted); // flags 1..3 keep their one-byte size
        AdjustCounts(-1, +1);
    }

    public void AdjustCounts(long liveDelta, long deletedDelta)
    {
        long live = Live, deleted = Deleted;
        Listpack.ReplaceInteger(ref Lp, Listpack.First, live + liveDelta);
        Listpack.ReplaceInteger(ref Lp, Listpack.Next(Lp, Listpack.First), deleted + deletedDelta);
    }

    public StreamNode Clone() => new(Master, Listpack.ToExact(Lp));
}
