namespace Arrakis.Server.Tests;

/// <summary>Tests that read the garbage collector's process-wide figures (promoted bytes, collection counts) run in
/// this collection, which xunit runs with no other test beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcMeasurements
{
    public const string Name = "GC measurements";
}
