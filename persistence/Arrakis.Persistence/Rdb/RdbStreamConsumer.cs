namespace Arrakis.Persistence.Rdb;

/// <summary>A consumer: name, last seen (Unix ms) and the IDs of the group's PEL it owns.</summary>
public sealed class RdbStreamConsumer
{
    public byte[] Name { get; set; } = [];

    public long SeenTime { get; set; }

    public List<byte[]> Pending { get; } = new();
}
