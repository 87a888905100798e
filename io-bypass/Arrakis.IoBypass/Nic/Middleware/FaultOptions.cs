namespace Arrakis.IoBypass.Nic.Middleware;

/// <summary>What a <see cref="FaultInjector"/> does to each frame, as probabilities in [0, 1] (seeded: the same seed and traffic give the same faults).</summary>
public sealed record FaultOptions
{
    public int Seed { get; init; } = 1;
    public double Drop { get; init; }
    public double Duplicate { get; init; }

    /// <summary>The frame is held back and goes after the next one (or at the next Flush/RxBurst when no other comes).</summary>
    public double Reorder { get; init; }

    /// <summary>One bit of one byte is flipped (checksums must catch it).</summary>
    public double Corrupt { get; init; }

    /// <summary>The frame is held for a random time up to <see cref="MaxDelayMicroseconds"/> of the injector's clock.</summary>
    public double Delay { get; init; }

    public long MaxDelayMicroseconds { get; init; } = 10_000;

    /// <summary>Faults on frames this side transmits.</summary>
    public bool OnTransmit { get; init; } = true;

    /// <summary>Faults on frames this side receives.</summary>
    public bool OnReceive { get; init; }
}
