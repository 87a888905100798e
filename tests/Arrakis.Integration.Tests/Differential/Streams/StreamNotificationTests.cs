using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential.Streams;

/// <summary>Every stream keyspace event, in order, as redis-server 7.0 publishes them.</summary>
[Collection("servers")]
public sealed class StreamNotificationTests(ServerPairFixture servers)
{
    private static readonly string[][] Script =
    [
        ["XADD", "s", "1-0", "a", "1"], ["XADD", "s", "2-0", "a", "2"], ["XADD", "s", "MAXLEN", "1", "3-0", "a", "3"], ["XADD", "s", "MAXLEN", "5", "4-0", "a", "4"],
        ["XADD", "nomk", "NOMKSTREAM", "1-0", "a", "1"], ["XADD", "s", "1-0", "bad", "id"], ["XTRIM", "s", "MAXLEN", "1"], ["XTRIM", "s", "MAXLEN", "1"],
        ["XADD", "s", "5-0", "a", "5"], ["XDEL", "s", "5-0", "9-0"], ["XDEL", "s", "9-0"], ["XSETID", "s", "10-0"],
        ["XGROUP", "CREATE", "s", "g", "0"], ["XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM"], ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
        ["XGROUP", "CREATECONSUMER", "s", "g", "c1"], ["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"], ["XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0"],
        ["XCLAIM", "s", "g", "c3", "0", "4-0"], ["XAUTOCLAIM", "s", "g", "c4", "0", "0"], ["XACK", "s", "g", "4-0"],
        ["XGROUP", "DELCONSUMER", "s", "g", "c2"], ["XGROUP", "DELCONSUMER", "s", "g", "nobody"], ["XGROUP", "SETID", "s", "g", "$"],
        ["XGROUP", "DESTROY", "s", "g"], ["XGROUP", "DESTROY", "s", "g"], ["RENAME", "s", "s2"], ["COPY", "s2", "s3"], ["DEL", "s2", "s3", "mk"],
    ];

    [Theory]
    [InlineData("KEA")]
    [InlineData("Et")]
    [InlineData("KEtn")]
    public void Stream_commands_publish_the_events_redis_publishes(string classes)
    {
        List<string> Events(ServerProcess server) => KeyspaceNotificationDifferentialTests.CollectEvents(server, classes, db: 6, "__key*__:*", admin =>
        {
            foreach (var cmd in Script) admin.CallRaw(cmd.Select(Encoding.UTF8.GetBytes).ToArray());
        });
        var ours = Events(servers.Arrakis);
        var theirs = Events(servers.Redis);
        Assert.True(ours.SequenceEqual(theirs), $"redis:\n  {string.Join("\n  ", theirs)}\narrakis:\n  {string.Join("\n  ", ours)}");
        Assert.Contains("__keyevent@6__:xgroup-createconsumer s", theirs);
    }
}
