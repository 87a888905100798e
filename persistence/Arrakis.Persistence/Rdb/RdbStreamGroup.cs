namespace Arrakis.Persistence.Rdb;

/// <summary>A consumer group: name, last delivered ID, entries read (-1 unknown), PEL and consumers.</summary>
public sealed class RdbStreamGroup
{
    public byte[] Name { get; set; } = [];

    public (ulong Ms, ulong Seq) LastId { get; set; }

    public long EntriesRead { get; set; } = -1;

    /// <summary>Pending entries in ID order: the ID (16 bytes big-endian), last delivery (Unix ms) and delivery count.</summary>
    public List<(byte[] Id, long DeliveryTime, ulong DeliveryCount)> Pending { get; } = new();

    public List<RdbStreamConsumer> Consumers { get; } = new();
}
