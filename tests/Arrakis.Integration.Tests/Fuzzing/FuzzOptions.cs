namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Tuning of a run: how often the keyspaces are dumped and compared, how often both sides are
/// flushed (which bounds what a failure's reproduction must replay), and the shrinking time budgets.
/// </summary>
internal sealed record FuzzOptions(int DumpEvery = 100, int CheckpointEvery = 2000, int ShrinkSecondsPerFailure = 20, int ShrinkSecondsTotal = 120);
