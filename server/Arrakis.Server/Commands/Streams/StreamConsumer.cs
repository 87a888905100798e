namespace Arrakis.Server.Commands.Streams;

/// <summary>A consumer of a group: its name, when it was last seen (Unix ms) and its pending entries.</summary>
internal sealed class StreamConsumer(byte[] name, long seenTime)
{
    public byte[] Name { get; } = name;

    public long SeenTime { get; set; } = seenTime;

    public PendingList Pending { get; } = new();
}
