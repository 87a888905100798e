namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>The test classes that share one real-server append-only directory.</summary>
[CollectionDefinition(Name)]
public sealed class ArrakisDirectoryCollection : ICollectionFixture<ArrakisDirectoryFixture>
{
    public const string Name = "arrakis append-only directory";
}
