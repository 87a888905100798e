namespace Arrakis.Persistence.Log;

/// <summary>
/// The outcome of reading a log: where valid frames end (<see cref="EndOffset"/>, the LSN the next
/// record gets), how many records were applied, and for <see cref="LogReadStatus.TornTail"/> and
/// <see cref="LogReadStatus.Corrupt"/> where the trouble starts and how many bytes it spans.
/// </summary>
public sealed record LogReadResult(
    LogReadStatus Status,
    long EndOffset,
    long NextLsn,
    long Records,
    long Frames,
    long DamagedBytes,
    string Message);
