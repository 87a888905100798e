using System.Diagnostics;

namespace Arrakis.IoBypass.Net.Stack;

/// <summary>The stack's clock in a running server: Stopwatch ticks as microseconds (monotonic).</summary>
internal sealed class MonotonicClock : IClock
{
    public long NowMicroseconds => (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));
}
