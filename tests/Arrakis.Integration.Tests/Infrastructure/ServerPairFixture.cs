namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>One Arrakis and one Debian redis-server, shared by the differential tests of a class.</summary>
public sealed class ServerPairFixture : IDisposable
{
    public ServerPairFixture()
    {
        Redis = ServerProcess.StartRedis();
        Arrakis = ServerProcess.StartArrakis();
    }

    public ServerProcess Arrakis { get; }

    public ServerProcess Redis { get; }

    public void Dispose()
    {
        Arrakis.Dispose();
        Redis.Dispose();
    }
}
