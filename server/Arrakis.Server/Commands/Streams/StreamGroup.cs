namespace Arrakis.Server.Commands.Streams;

/// <summary>A consumer group (Redis 7.0's streamCG): last delivered ID, entries read (-1 unknown), the PEL and the consumers by name.</summary>
internal sealed class StreamGroup(StreamId lastId, long entriesRead)
{
    public const long InvalidEntriesRead = -1;

    public StreamId LastId { get; set; } = lastId;

    public long EntriesRead { get; set; } = entriesRead;

    public PendingList Pending { get; } = new();

    public SortedDictionary<byte[], StreamConsumer> Consumers { get; } = new(ByteArrayComparer.Instance);

    public StreamConsumer? FindConsumer(ReadOnlySpan<byte> name) => Consumers.TryGetValue(name.ToArray(), out var c) ? c : null;

    public StreamConsumer AddConsumer(byte[] name, long nowMs)
    {
        var c = new StreamConsumer(name, nowMs);
        Consumers[name] = c;
        return c;
    }

    /// <summary>Removes a consumer and its pending entries from the group's PEL; returns how many were pending.</summary>
    public long DeleteConsumer(StreamConsumer consumer)
    {
        long pending = consumer.Pending.Count;
        foreach (var (id, _) in consumer.Pending.All.ToList()) Pending.Remove(id);
        Consumers.Remove(consumer.Name);
        return pending;
    }

    public StreamGroup Clone()
    {
        var g = new StreamGroup(LastId, EntriesRead);
        var map = new Dictionary<StreamConsumer, StreamConsumer>();
        foreach (var (name, c) in Consumers)
        {
            var nc = new StreamConsumer(name, c.SeenTime);
            g.Consumers[name] = nc;
            map[c] = nc;
        }
        foreach (var (id, e) in Pending.All)
        {
            var owner = map[e.Consumer];
            var ne = new PendingEntry(owner, e.DeliveryTime, e.DeliveryCount);
            g.Pending.Add(id, ne);
            owner.Pending.Add(id, ne);
        }
        return g;
    }
}
