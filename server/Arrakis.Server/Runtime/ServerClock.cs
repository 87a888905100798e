namespace Arrakis.Server.Runtime;

/// <summary>Wall-clock time for expiry (Unix ms) and a coarse seconds counter for access times.</summary>
internal static class ServerClock
{
    private static readonly long StartTicks = Environment.TickCount64;

    public static long UnixMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Seconds since the process started (for idle times); wraps after 136 years.</summary>
    public static uint Seconds => (uint)((Environment.TickCount64 - StartTicks) / 1000);

    public static long MonotonicMs => Environment.TickCount64;
}
