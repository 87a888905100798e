using System.Text;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>The server with appendonly on a simulated device: what was acknowledged is there after a restart, equal.</summary>
public sealed class LogRecoveryServerTests
{
    private static SimulatedNvme Device() => new(64L << 20, seed: 7);

    /// <summary>Every key of every database, as commands would read it (sorted where Redis's order is undefined).</summary>
    internal static string Dump(LoggedServer s, bool exactTtl = true, int databases = 16)
    {
        using var c = s.Connect();
        return Dump(c, exactTtl, databases);
    }

    internal static string Dump(Arrakis.IoBypass.Transport.InMemory.InMemoryClient c, bool exactTtl = true, int databases = 16)
    {
        var lines = new List<string>();
        for (int db = 0; db < databases; db++)
        {
            Call(c, $"SELECT {db}");
            var keys = Call(c, "KEYS *").Split("\r\n").Where((_, i) => i > 0 && i % 2 == 0).Where(k => k.Length > 0).Order(StringComparer.Ordinal);
            foreach (var k in keys)
            {
                string type = Call(c, $"TYPE {k}").Trim();
                string value = type switch
                {
                    "+string" => Call(c, $"GET {k}"),
                    "+list" => Call(c, $"LRANGE {k} 0 -1"),
                    "+set" => string.Join(",", Call(c, $"SMEMBERS {k}").Split("\r\n").Order(StringComparer.Ordinal)),
                    "+hash" => string.Join(",", Call(c, $"HGETALL {k}").Split("\r\n").Order(StringComparer.Ordinal)),
                    "+zset" => Call(c, $"ZRANGE {k} 0 -1 WITHSCORES"),
                    "+stream" => StreamState(c, k),
                    _ => type,
                };
                string ttl = Call(c, $"PEXPIRETIME {k}").Trim();
                lines.Add($"{db} {k} {type} {value} ttl={(exactTtl ? ttl : ttl == ":-1" ? "none" : "set")}");
            }
        }
        Call(c, "SELECT 0");
        return string.Join("\n", lines);
    }

    /// <summary>XINFO STREAM FULL (every entry, PEL and consumer) with consumers' seen-time masked: a replayed
    /// XCLAIM or consumer creation sees the replay's clock, as on a Redis replica.</summary>
    internal static string StreamState(Arrakis.IoBypass.Transport.InMemory.InMemoryClient c, string key)
    {
        var parts = Call(c, $"XINFO STREAM {key} FULL COUNT 0").Split("\r\n");
        for (int i = 0; i + 2 < parts.Length; i++)
        {
            if (parts[i] == "seen-time") parts[i + 1] = ":masked";
        }
        return string.Join("|", parts);
    }

    [Fact]
    public void EveryType_SurvivesARestart_Equal()
    {
        var dev = Device();
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            foreach (var cmd in new[]
            {
                "SET s hello", "APPEND s _world", "INCR n", "INCRBY n 41", "INCRBYFLOAT f 1.5", "SETRANGE r 3 abc",
                "RPUSH l a b c d", "LPOP l", "LPUSH l z", "LSET l 1 B", "SADD set x y z 1 2", "SREM set y",
                "HSET h f1 v1 f2 v2", "HINCRBY h n 5", "HINCRBYFLOAT h g 0.25", "ZADD z 1 a 2 b 3 c", "ZINCRBY z 5 a",
                "PFADD hll a b c", "SETBIT bits 9 1", "SELECT 3", "SET indb3 yes", "MOVE indb3 4", "SELECT 0",
                "SET gone 1", "DEL gone", "RENAME s s2", "COPY l l2", "SET ex v EX 1000", "PEXPIRE n 500000",
                "LMOVE l l3 LEFT RIGHT", "SINTERSTORE set2 set set", "ZUNIONSTORE z2 1 z",
            })
            {
                string reply = Call(c, cmd);
                Assert.False(reply.StartsWith('-'), cmd + " -> " + reply);
            }
            before = Dump(s);
        }
        using var again = new LoggedServer(dev);
        Assert.Equal(LogReadStatus.Clean, again.Recovery.Status);
        Assert.Equal(before, Dump(again));
    }

    [Fact]
    public void RandomAndRelativeCommands_ReplayToTheSameState()
    {
        var dev = Device();
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            Call(c, "SADD pool " + string.Join(" ", Enumerable.Range(0, 200)));
            for (int i = 0; i < 20; i++) Call(c, "SPOP pool");
            Call(c, "SPOP pool 30");
            Call(c, "SET t v EX 100");
            Call(c, "SETEX t2 100 v");
            Call(c, "EXPIRE t3 5");
            Call(c, "SET t3 x PX 80000");
            Call(c, "GETEX t3 EX 9000");
            before = Dump(s);
        }
        Thread.Sleep(20); // relative times replayed later must not move
        using var again = new LoggedServer(dev);
        Assert.Equal(before, Dump(again));
    }

    [Fact]
    public void AKeyThatExpired_AndWasWrittenAgain_ComesBackAsWritten()
    {
        var dev = Device();
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            Call(c, "SET k v PX 30");
            Call(c, "RPUSH q 1 2");
            Call(c, "PEXPIRE q 30");
            Thread.Sleep(80);
            Assert.Equal(":1\r\n", Call(c, "APPEND k x"));
            Assert.Equal(":1\r\n", Call(c, "RPUSH q 3"));
            Call(c, "SET past v PXAT 1000");
            Call(c, "SET old v");
            Assert.Equal(":1\r\n", Call(c, "EXPIRE old -1"));
            Assert.Equal(":1\r\n", Call(c, "APPEND old y"));
        }
        using var again = new LoggedServer(dev);
        using var c2 = again.Connect();
        Assert.Equal("$1\r\nx\r\n", Call(c2, "GET k"));
        Assert.Equal(":-1\r\n", Call(c2, "PTTL k"));
        Assert.Equal("*1\r\n$1\r\n3\r\n", Call(c2, "LRANGE q 0 -1"));
        Assert.Equal(":0\r\n", Call(c2, "EXISTS past"));
        Assert.Equal("$1\r\ny\r\n", Call(c2, "GET old"));
    }

    [Fact]
    public void AServedBlockingPop_IsLoggedAsThePopFromTheKeyThatServedIt()
    {
        var dev = Device();
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var waiter = s.Connect();
            using var pusher = s.Connect();
            waiter.Write("BLPOP a b 0\r\n"u8);
            Thread.Sleep(100);
            Call(pusher, "MULTI");
            Call(pusher, "RPUSH a 1");
            Call(pusher, "RPUSH b 2 3");
            Call(pusher, "DEL a");
            Assert.StartsWith("*3", Call(pusher, "EXEC"));
            Assert.Equal("*2\r\n$1\r\nb\r\n$1\r\n2\r\n", ReadReply(waiter, 5000));
            Call(pusher, "ZADD z 1 m 2 n");
            Assert.StartsWith("*3", Call(pusher, "BZPOPMAX z 1"));
            before = Dump(s);
        }
        using var again = new LoggedServer(dev);
        Assert.Equal(before, Dump(again));
    }

    /// <summary>
    /// FUNCTION LOAD is logged as LOAD REPLACE: a snapshot reads the libraries after its beginning, so a load in between
    /// is in the base and in the log after it, and its replay must not fail on the library the base already holds.
    /// </summary>
    [Fact]
    public void FunctionLoad_IsLoggedAsLoadReplace_SoItsReplayFindsTheLibraryAlreadyThere()
    {
        var dev = Device();
        const string code = "#!lua name=lib\nredis.register_function('f', function() return 7 end)";
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            c.Write(Encoding.ASCII.GetBytes($"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n${code.Length}\r\n{code}\r\n"));
            Assert.Equal("$3\r\nlib\r\n", ReadReply(c, 10_000));
        }
        var records = new List<LogRecord>();
        new LogReader(dev).Read(0, 1, records.Add);
        var load = records.SelectMany(r => r.Commands).Single(cmd => cmd.Args.Length > 0 && Encoding.ASCII.GetString(cmd.Args[0]) == "FUNCTION");
        Assert.Equal(["FUNCTION", "LOAD", "REPLACE", code], load.Args.Select(a => Encoding.ASCII.GetString(a)));
        using var again = new LoggedServer(dev);
        using var a = again.Connect();
        Assert.Equal(":7\r\n", Call(a, "FCALL f 0"));
    }

    [Fact]
    public void ATransaction_IsOneRecord_AndFlushAllAndSwapDbReplay()
    {
        var dev = Device();
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            long lsn = s.Server.State.Durable!.LastLsn;
            Call(c, "MULTI");
            for (int i = 0; i < 5; i++) Call(c, $"SET k{i} {i}");
            Call(c, "EXEC");
            Assert.Equal(lsn + 1, s.Server.State.Durable!.LastLsn);
            Call(c, "SELECT 2");
            Call(c, "SET two 2");
            Call(c, "SWAPDB 0 2");
            Call(c, "SELECT 5");
            Call(c, "SET five 5");
            Call(c, "FLUSHDB");
            Call(c, "SET five again");
            before = Dump(s);
            Assert.Contains("0 two", before);
        }
        using var again = new LoggedServer(dev);
        Assert.Equal(before, Dump(again));
        using (var c = again.Connect()) Call(c, "FLUSHALL");
        again.Dispose();
        using var third = new LoggedServer(dev);
        Assert.Equal("", Dump(third));
    }
}
