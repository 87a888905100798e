namespace Arrakis.Server.Commands.Streams;

/// <summary>Redis 7.0's consumer-group progress arithmetic: tombstone checks, the entries-read estimate and the lag.</summary>
internal static class StreamLag
{
    /// <summary>streamRangeHasTombstones: may an XDEL'd entry lie in [start, end]?</summary>
    public static bool RangeHasTombstones(StreamValue s, StreamId start, StreamId end)
    {
        if (s.Length == 0 || s.MaxDeletedId.IsZero) return false;
        if (s.FirstId > s.MaxDeletedId) return false;
        return start <= s.MaxDeletedId && s.MaxDeletedId <= end;
    }

    /// <summary>streamEstimateDistanceFromFirstEverEntry: the entries-read counter of <paramref name="id"/>, -1 when unknown.</summary>
    public static long EstimateEntriesRead(StreamValue s, StreamId id)
    {
        if (s.EntriesAdded == 0) return 0;
        if (s.Length == 0 && id <= s.LastId) return s.EntriesAdded;
        int cmpLast = id.CompareTo(s.LastId);
        if (cmpLast == 0) return s.EntriesAdded;
        if (cmpLast > 0) return StreamGroup.InvalidEntriesRead;
        int cmpFirst = id.CompareTo(s.FirstId);
        if (s.MaxDeletedId.IsZero || s.MaxDeletedId < s.FirstId)
        {
            if (cmpFirst < 0) return s.EntriesAdded - s.Length;
            if (cmpFirst == 0) return s.EntriesAdded - s.Length + 1;
        }
        return StreamGroup.InvalidEntriesRead;
    }

    /// <summary>streamReplyWithCGLag: the group's lag, null when it cannot be known.</summary>
    public static long? Lag(StreamValue s, StreamGroup g)
    {
        if (s.EntriesAdded == 0) return 0;
        if (g.EntriesRead != StreamGroup.InvalidEntriesRead && !RangeHasTombstones(s, g.LastId, StreamId.Max)) return s.EntriesAdded - g.EntriesRead;
        long read = EstimateEntriesRead(s, g.LastId);
        return read != StreamGroup.InvalidEntriesRead ? s.EntriesAdded - read : null;
    }
}
