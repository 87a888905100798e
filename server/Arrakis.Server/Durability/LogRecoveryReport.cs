using Arrakis.Persistence.Log;

namespace Arrakis.Server.Durability;

/// <summary>What startup found in the log and did about it (the startup report prints it; INFO keeps it).</summary>
internal sealed record LogRecoveryReport(LogReadStatus Status, long Records, long Commands, long EndOffset, long NextLsn, long CutBytes, TimeSpan Elapsed, string Message)
{
    public string Describe() => Status switch
    {
        LogReadStatus.Clean => $"loaded {Records} records ({Commands} commands) in {Elapsed.TotalMilliseconds:F0} ms; next LSN {NextLsn} at offset {EndOffset}",
        LogReadStatus.TornTail => $"loaded {Records} records ({Commands} commands) in {Elapsed.TotalMilliseconds:F0} ms; cut a torn tail of {CutBytes} bytes at offset {EndOffset} (LSN {NextLsn} onwards was never durable): {Message}",
        _ => $"loaded {Records} records ({Commands} commands), then {Status}: {Message}",
    };
}
