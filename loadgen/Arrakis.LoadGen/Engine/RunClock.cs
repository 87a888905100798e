using System.Diagnostics;

namespace Arrakis.LoadGen.Engine;

/// <summary>When a run started, when recording starts (after warm-up), when sending stops, and abort.</summary>
internal sealed class RunClock
{
    private volatile bool _aborted;
    private volatile bool _stopped;

    public RunClock(double warmupSeconds, double testTimeSeconds)
    {
        StartTicks = Stopwatch.GetTimestamp();
        RecordFromTicks = StartTicks + (long)(warmupSeconds * Stopwatch.Frequency);
        StopSendingTicks = testTimeSeconds > 0 ? RecordFromTicks + (long)(testTimeSeconds * Stopwatch.Frequency) : long.MaxValue;
    }

    public long StartTicks { get; }
    public long RecordFromTicks { get; }
    public long StopSendingTicks { get; }
    public bool Aborted => _aborted;

    public bool SendingStopped(long now) => _stopped || now >= StopSendingTicks;

    public void Abort()
    {
        _aborted = true;
        _stopped = true;
    }

    /// <summary>Stops sending (Ctrl+C): replies in flight are still collected.</summary>
    public void StopSending() => _stopped = true;
}
