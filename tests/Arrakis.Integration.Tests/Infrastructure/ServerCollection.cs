namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>Tests that share one Arrakis and one redis-server run one after another in this collection.</summary>
[CollectionDefinition("servers")]
public sealed class ServerCollection : ICollectionFixture<ServerPairFixture>;
