using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>notify-keyspace-events: the same commands on both servers must publish the same events in the same order.</summary>
[Collection("servers")]
public sealed class KeyspaceNotificationDifferentialTests(ServerPairFixture servers)
{
    private static readonly string[][] Script =
    [
        ["SET", "s", "1"], ["SET", "s", "2", "EX", "100"], ["INCR", "s"], ["INCRBYFLOAT", "s", "1.5"], ["APPEND", "s", "x"], ["SETRANGE", "s", "0", "y"],
        ["GETEX", "s", "PERSIST"], ["EXPIRE", "s", "100"], ["PERSIST", "s"], ["GETDEL", "s"], ["MSET", "a", "1", "b", "2"], ["GETSET", "a", "3"],
        ["SETBIT", "bits", "3", "1"], ["BITFIELD", "bits", "SET", "u4", "0", "5"], ["BITOP", "OR", "dest", "bits", "a"], ["SETEX", "t", "100", "v"],
        ["RENAME", "a", "a2"], ["COPY", "a2", "a3"], ["MOVE", "a3", "8"], ["DEL", "a2", "b", "nope"], ["EXPIRE", "t", "-1"],
        ["RPUSH", "l", "a", "b", "c"], ["LPUSH", "l", "z"], ["LPOP", "l"], ["RPOP", "l", "2"], ["LSET", "l", "0", "q"], ["LINSERT", "l", "BEFORE", "q", "p"],
        ["LREM", "l", "1", "p"], ["LTRIM", "l", "0", "0"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"], ["RPUSH", "l3", "x"], ["LMPOP", "1", "l3", "LEFT"],
        ["HSET", "h", "f", "1", "g", "2"], ["HSETNX", "h", "k", "v"], ["HINCRBY", "h", "f", "2"], ["HINCRBYFLOAT", "h", "f", "0.5"], ["HDEL", "h", "f", "g", "k"],
        ["SADD", "st", "1", "2", "3"], ["SREM", "st", "1"], ["SMOVE", "st", "st2", "2"], ["SINTERSTORE", "st3", "st", "st2"], ["SUNIONSTORE", "st3", "st", "st2"],
        ["SDIFFSTORE", "st3", "nope", "st"], ["SPOP", "st"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZINCRBY", "z", "1", "a"], ["ZADD", "z", "INCR", "1", "b"], ["ZREM", "z", "c"], ["ZPOPMIN", "z"],
        ["ZADD", "z", "5", "x", "6", "y"], ["ZREMRANGEBYSCORE", "z", "5", "5"], ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZADD", "zl", "0", "a", "0", "b"],
        ["ZREMRANGEBYLEX", "zl", "[a", "[a"], ["ZUNIONSTORE", "zu", "2", "zl", "z"], ["ZINTERSTORE", "zu", "2", "zl", "z"], ["ZRANGESTORE", "zr", "zl", "0", "-1"],
        ["ZDIFFSTORE", "zd", "1", "zl"], ["ZPOPMAX", "zl", "5"], ["PFADD", "hll", "a"], ["PFMERGE", "hll2", "hll"],
        ["RPUSH", "sl", "3", "1", "2"], ["SORT", "sl", "STORE", "sorted"], ["SORT", "sl", "BY", "w_*", "GET", "#", "GET", "nokey_*->f", "STORE", "sorted"],
        ["SORT", "nope", "STORE", "sorted"], ["SORT", "nope", "STORE", "sorted"], ["SORT_RO", "sl", "ALPHA", "BY", "m_*"],
        ["SET", "lazy", "v", "PX", "20"],
    ];

    private static List<string> Events(ServerProcess server, string classes) =>
        CollectEvents(server, classes, db: 7, "__key*__:*", admin =>
        {
            foreach (var cmd in Script) admin.CallRaw(cmd.Select(Encoding.UTF8.GetBytes).ToArray());
            Thread.Sleep(100);
            admin.Call("GET", "lazy"); // lazy expiry
            admin.Call("SET", "active", "v", "PX", "10");
            Thread.Sleep(1500); // active expiry
        });

    /// <summary>
    /// The "channel payload" of every keyspace event <paramref name="run"/> causes on <paramref name="server"/> with
    /// <paramref name="classes"/> enabled, in order: a listener subscribed to <paramref name="pattern"/> reads until
    /// a marker message published after the run. The server's keyspace is flushed first and notifications are
    /// turned off after.
    /// </summary>
    internal static List<string> CollectEvents(ServerProcess server, string classes, int db, string pattern, Action<RespConnection> run)
    {
        using var admin = new RespConnection(server.Port);
        admin.Call("CONFIG", "SET", "notify-keyspace-events", classes);
        admin.Call("SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture));
        admin.Call("FLUSHALL");
        using var listener = new RespConnection(server.Port);
        listener.Call("PSUBSCRIBE", pattern);
        listener.Call("SUBSCRIBE", "end");
        try
        {
            run(admin);
            admin.Call("PUBLISH", "end", "end");
            var events = new List<string>();
            while (true)
            {
                var m = listener.ReadReply().Value.Items!;
                if (m[0].Text == "message") break;
                events.Add(m[2].Text + " " + m[3].Text);
            }
            return events;
        }
        finally
        {
            admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    [Theory]
    [InlineData("KEA")]
    [InlineData("Enm")]
    [InlineData("KEgn")]
    public void Every_command_publishes_the_events_redis_publishes(string classes)
    {
        var ours = Events(servers.Arrakis, classes);
        var theirs = Events(servers.Redis, classes);
        var diff = new StringBuilder();
        for (int i = 0; i < Math.Max(ours.Count, theirs.Count); i++)
        {
            string a = i < ours.Count ? ours[i] : "-", b = i < theirs.Count ? theirs[i] : "-";
            if (a != b) diff.Append(i).Append(": arrakis ").Append(a).Append(" | redis ").Append(b).Append('\n');
        }
        Assert.True(diff.Length == 0, $"{ours.Count} vs {theirs.Count} events\n{diff}");
        Assert.NotEmpty(theirs);
        if (classes == "KEA")
        {
            Assert.Contains("__keyevent@7__:expired lazy", theirs);
            Assert.Contains("__keyevent@7__:expired active", theirs);
        }
    }

    [Fact]
    public void Notify_keyspace_events_config_parses_like_redis()
    {
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var c = new RespConnection(server.Port);
            try
            {
                Assert.Equal("OK", c.Call("CONFIG", "SET", "notify-keyspace-events", "Kgl$").Text);
                Assert.Equal("g$lK", c.Call("CONFIG", "GET", "notify-keyspace-events").Items![1].Text);
                Assert.Equal("OK", c.Call("CONFIG", "SET", "notify-keyspace-events", "AKEmn").Text);
                Assert.Equal("AKEm", c.Call("CONFIG", "GET", "notify-keyspace-events").Items![1].Text); // Redis 7.0 hides 'n' next to 'A'
                Assert.Equal("OK", c.Call("CONFIG", "SET", "notify-keyspace-events", "Kn").Text);
                Assert.Equal("nK", c.Call("CONFIG", "GET", "notify-keyspace-events").Items![1].Text);
                Assert.StartsWith("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events')", c.Call("CONFIG", "SET", "notify-keyspace-events", "Q").Text);
            }
            finally
            {
                c.Call("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
    }
}
