namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// The result of one request on both servers: the outcome, the replies (when there are), and for an
/// EXEC the commands it ran (as Redis queued them), so that its elements can be compared one by one.
/// </summary>
internal sealed record StepResult(StepOutcome Outcome, Reply? Redis, Reply? Ours, IReadOnlyList<FuzzCommand>? Queued, string Detail = "");
