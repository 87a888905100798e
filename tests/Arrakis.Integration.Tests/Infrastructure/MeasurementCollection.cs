namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>Tests that measure a server's resident memory run in this collection, which xunit runs with no other
/// test beside it: with the suite's other servers busy on the same CPUs, when the collector's regions land and the
/// JIT tiers code up moves RSS by more than the margins measured (a CI run read 22.8 bytes of RSS per list element against
/// about 18.4 alone).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasurementCollection
{
    public const string Name = "resident memory measurements";
}
