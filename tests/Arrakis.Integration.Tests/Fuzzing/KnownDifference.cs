namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One tolerated difference: the command (lower case, <c>container|sub</c>), the condition under which
/// it differs (as specific as possible), why, and whether it is a <see cref="DifferenceCategory.Bug"/>
/// to fix or <see cref="DifferenceCategory.ByDesign"/>. Crashes and hangs are never tolerated.
/// </summary>
internal sealed record KnownDifference(string Command, DifferenceCategory Category, string Condition, Func<Difference, bool> When, string Reason)
{
    public bool Matches(Difference d) => d.Command.Name == Command && When(d);
}
