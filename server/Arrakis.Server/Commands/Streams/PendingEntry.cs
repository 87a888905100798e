namespace Arrakis.Server.Commands.Streams;

/// <summary>A delivered, not yet acknowledged entry (Redis's streamNACK): shared by the group's PEL and its consumer's.</summary>
internal sealed class PendingEntry(StreamConsumer consumer, long deliveryTime, long deliveryCount)
{
    public StreamConsumer Consumer { get; set; } = consumer;

    /// <summary>Last delivery, Unix ms.</summary>
    public long DeliveryTime { get; set; } = deliveryTime;

    public long DeliveryCount { get; set; } = deliveryCount;
}
