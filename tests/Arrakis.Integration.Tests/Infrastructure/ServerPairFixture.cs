namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>One Arrakis and one Debian redis-server, shared by the differential tests of a class.</summary>
public sealed class ServerPairFixture : IDisposable
{
    public ServerPairFixture()
    {
        Redis = ServerProcess.StartRedis();
        // Two data-plane threads, so that cross-thread paths (blocking, MULTI atomicity, WATCH, pub/sub
        // delivery) are exercised even where the default would pick one.
        Arrakis = ServerProcess.StartArrakis("--threads", "2");
    }

    public ServerProcess Arrakis { get; }

    public ServerProcess Redis { get; }

    public void Dispose()
    {
        Arrakis.Dispose();
        Redis.Dispose();
    }
}
