namespace Arrakis.Server.Commands.Streams;

/// <summary>A pending entries list: IDs in order (range queries) and a map to their <see cref="PendingEntry"/>.</summary>
internal sealed class PendingList
{
    private readonly SortedSet<StreamId> _ids = new();
    private readonly Dictionary<StreamId, PendingEntry> _entries = new();

    public int Count => _entries.Count;

    public bool TryGet(StreamId id, out PendingEntry entry) => _entries.TryGetValue(id, out entry!);

    public void Add(StreamId id, PendingEntry entry)
    {
        if (_entries.TryAdd(id, entry)) _ids.Add(id);
        else _entries[id] = entry;
    }

    public bool Remove(StreamId id)
    {
        if (!_entries.Remove(id)) return false;
        _ids.Remove(id);
        return true;
    }

    public StreamId Min => _ids.Min;

    public StreamId MaxId => _ids.Max;

    /// <summary>IDs in [start, end], ascending (or descending).</summary>
    public IEnumerable<(StreamId Id, PendingEntry Entry)> Range(StreamId start, StreamId end, bool reverse = false)
    {
        if (_ids.Count == 0 || start > end) yield break;
        var view = _ids.GetViewBetween(start, end);
        foreach (var id in reverse ? view.Reverse() : view) yield return (id, _entries[id]);
    }

    public IEnumerable<(StreamId Id, PendingEntry Entry)> All => Range(StreamId.Zero, StreamId.Max);
}
