using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>Replies that differ by nature (ids, addresses, cursors, timings) compared by their structure.</summary>
[Collection("servers")]
public sealed class IntrospectionDifferentialTests(ServerPairFixture servers)
{
    private static List<string> Fields(string info) =>
        info.Split("\r\n").Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(':')[0]).ToList();

    private static List<string> Headers(string info) => info.Split("\r\n").Where(l => l.StartsWith('#')).ToList();

    [Fact]
    public void Info_has_redis_sections_in_redis_order_for_default_all_and_everything()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        ours.Call("SET", "info:k", "v");
        theirs.Call("SET", "info:k", "v");
        foreach (var args in new[] { new[] { "INFO" }, ["INFO", "default"], ["INFO", "all"], ["INFO", "everything"], ["INFO", "cluster", "errorstats", "modules"] })
            Assert.Equal(Headers(theirs.Call(args).Text), Headers(ours.Call(args).Text));
        Assert.Contains("cluster_enabled:0\r\n", ours.Call("INFO").Text, StringComparison.Ordinal);
        Assert.Matches(@"cmdstat_set:calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+", ours.Call("INFO", "commandstats").Text);
        Assert.Matches(@"latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}", ours.Call("INFO", "latencystats").Text);
    }

    [Fact]
    public void Config_get_knows_every_redis_parameter_and_set_accepts_current_values()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        static HashSet<string> Names(RespValue v) => v.Items!.Where((_, i) => i % 2 == 0).Select(x => x.Text).ToHashSet();
        var redis = Names(theirs.Call("CONFIG", "GET", "*"));
        var mine = Names(ours.Call("CONFIG", "GET", "*"));
        Assert.Empty(redis.Except(mine));
        // Our own parameters: arrakis-*, and the log's flags the persistence issue names (aof-device ...).
        string[] logFlags = ["aof-device", "aof-io", "aof-sqpoll", "aof-log-size", "aof-load-corrupt"];
        Assert.All(mine.Except(redis).Except(logFlags), n => Assert.StartsWith("arrakis-", n, StringComparison.Ordinal));
        Assert.Equal("OK", ours.Call("CONFIG", "SET", "maxmemory", "0", "hash-max-listpack-entries", "512").Text);
        Assert.StartsWith("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config", ours.Call("CONFIG", "SET", "databases", "16").Text, StringComparison.Ordinal);
        // Atomic: a failing pair changes nothing.
        Assert.StartsWith("ERR CONFIG SET failed", ours.Call("CONFIG", "SET", "timeout", "7", "maxmemory", "1mb").Text, StringComparison.Ordinal);
        Assert.Equal("0", ours.Call("CONFIG", "GET", "timeout").Items![1].Text);
    }

    [Fact]
    public void Memory_usage_stats_doctor_and_malloc_stats_answer_with_redis_shapes()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        foreach (var c in new[] { ours, theirs })
        {
            c.Call("DEL", "mem:s", "mem:l");
            c.Call("SET", "mem:s", new string('x', 100));
            c.Call("RPUSH", "mem:l", "a", "b", "c");
        }
        Assert.InRange(ours.Call("MEMORY", "USAGE", "mem:s").Integer, 100, 400);
        Assert.InRange(ours.Call("MEMORY", "USAGE", "mem:l", "SAMPLES", "0").Integer, 24, 1000);
        foreach (var args in new[] { new[] { "MEMORY", "USAGE", "mem:none" }, ["MEMORY", "USAGE", "mem:s", "SAMPLES", "-1"], ["MEMORY", "USAGE", "mem:s", "FOO"], ["MEMORY", "NOSUCH"] })
            Assert.Equal(theirs.Call(args).ToString(), ours.Call(args).ToString());
        foreach (var c in new[] { ours, theirs })
        {
            // MEMORY USAGE looks at the stored key: no keyspace hit or miss, as Redis 7.0 (nor does it expire the key).
            string Counters() => string.Join(",", c.Call("INFO", "stats").Text.Split("\r\n").Where(l => l.StartsWith("keyspace_hits:", StringComparison.Ordinal) || l.StartsWith("keyspace_misses:", StringComparison.Ordinal)));
            string before = Counters();
            c.Call("MEMORY", "USAGE", "mem:s");
            c.Call("MEMORY", "USAGE", "mem:none");
            Assert.Equal(before, Counters());
        }
        var stats = ours.Call("MEMORY", "STATS");
        var names = stats.Items!.Where((_, i) => i % 2 == 0).Select(x => x.Text).ToList();
        Assert.Contains("total.allocated", names);
        Assert.Contains("dataset.bytes", names);
        Assert.Contains("keys.count", names);
        Assert.False(string.IsNullOrWhiteSpace(ours.Call("MEMORY", "DOCTOR").Text));
        Assert.Contains("heap size", ours.Call("MEMORY", "MALLOC-STATS").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_sections_use_redis_field_names()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        ours.Call("SET", "info:k", "v");
        theirs.Call("SET", "info:k", "v");
        foreach (var section in new[] { "server", "clients", "memory", "persistence", "stats", "replication", "cpu" })
        {
            var mine = Fields(ours.Call("INFO", section).Text).Where(f => !f.StartsWith("arrakis_", StringComparison.Ordinal)).ToList();
            var redis = Fields(theirs.Call("INFO", section).Text).ToHashSet();
            Assert.NotEmpty(mine);
            Assert.All(mine, f => Assert.True(redis.Contains(f), $"INFO {section}: '{f}' is not a Redis field"));
        }
        Assert.Matches(@"^# Keyspace\r\n(db\d+:keys=\d+,expires=\d+,avg_ttl=\d+\r\n)+$", ours.Call("INFO", "keyspace").Text);
        var all = ours.Call("INFO").Text;
        foreach (var header in new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Keyspace" })
            Assert.Contains(header, all);
    }

    /// <summary>total_reads_processed and total_writes_processed: one read and one reply flush per round trip, on both servers.</summary>
    [Fact]
    public void Reads_and_writes_processed_count_round_trips()
    {
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var c = new RespConnection(server.Port);
            (long Reads, long Writes) Read()
            {
                var fields = c.Call("INFO", "stats").Text.Split("\r\n");
                long Field(string name) => long.Parse(fields.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                return (Field("total_reads_processed"), Field("total_writes_processed"));
            }
            var before = Read();
            for (int i = 0; i < 10; i++) Assert.Equal("PONG", c.Call("PING").Text);
            var after = Read();
            // Other clients of the shared servers may add a few; the INFO calls themselves add one each way.
            Assert.InRange(after.Reads - before.Reads, 11, 30);
            Assert.InRange(after.Writes - before.Writes, 11, 30);
        }
    }

    [Fact]
    public void Client_list_has_redis_fields_in_redis_order()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        static string[] Keys(string line) => line.Trim().Split(' ').Select(kv => kv.Split('=')[0]).ToArray();
        var mine = Keys(ours.Call("CLIENT", "INFO").Text).Except(["lib-name", "lib-ver"]).ToArray(); // 7.2 fields, for CLIENT SETINFO
        var redis = Keys(theirs.Call("CLIENT", "INFO").Text);
        Assert.Equal(redis, mine);
        Assert.Contains("cmd=client|info", ours.Call("CLIENT", "INFO").Text);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("50")]
    [InlineData("1000")]
    public void Scan_iterates_the_same_keys_as_redis(string count)
    {
        var sets = new List<HashSet<string>>();
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var c = new RespConnection(server.Port);
            c.Call("SELECT", "13");
            c.Call("FLUSHDB");
            for (int i = 0; i < 300; i++) c.Call("SET", (i % 3 == 0 ? "user:" : "item:") + i, "v");
            var seen = new HashSet<string>();
            string cursor = "0";
            int calls = 0;
            do
            {
                var reply = c.Call("SCAN", cursor, "MATCH", "user:*", "COUNT", count);
                cursor = reply.Items![0].Text;
                foreach (var k in reply.Items[1].Items!) Assert.True(seen.Add(k.Text), "returned twice: " + k.Text);
                Assert.True(++calls < 10000);
            }
            while (cursor != "0");
            sets.Add(seen);
        }
        Assert.Equal(100, sets[0].Count);
        Assert.True(sets[0].SetEquals(sets[1]));
    }

    [Fact]
    public void Scan_returns_every_key_present_for_the_whole_scan_while_the_keyspace_grows()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.Call("SELECT", "14");
        c.Call("FLUSHDB");
        for (int i = 0; i < 500; i++) c.Call("SET", "stay:" + i, "v");
        var seen = new HashSet<string>();
        string cursor = "0";
        int extra = 0;
        do
        {
            var reply = c.Call("SCAN", cursor, "COUNT", "20");
            cursor = reply.Items![0].Text;
            foreach (var k in reply.Items[1].Items!) seen.Add(k.Text);
            for (int j = 0; j < 50; j++) c.Call("SET", "grow:" + extra++, "v");
            c.Call("DEL", "grow:" + (extra - 7));
        }
        while (cursor != "0");
        for (int i = 0; i < 500; i++) Assert.Contains("stay:" + i, seen);
    }

    [Theory]
    [InlineData("SSCAN")]
    [InlineData("HSCAN")]
    public void Collection_scans_page_big_collections_and_return_what_redis_returns(string command)
    {
        var results = new List<HashSet<string>>();
        foreach (var server in new[] { servers.Arrakis, servers.Redis })
        {
            using var c = new RespConnection(server.Port);
            c.Call("SELECT", "13");
            c.Call("DEL", "big");
            for (int i = 0; i < 2000; i += 100)
            {
                var args = new List<string> { command == "SSCAN" ? "SADD" : "HSET", "big" };
                for (int j = i; j < i + 100; j++)
                {
                    args.Add("member:" + j);
                    if (command == "HSCAN") args.Add("v");
                }
                c.Call([.. args]);
            }
            var seen = new HashSet<string>();
            string cursor = "0";
            int calls = 0, removed = 0;
            do
            {
                var reply = c.Call(command, "big", cursor, "COUNT", "50", "MATCH", "member:1*");
                cursor = reply.Items![0].Text;
                var items = reply.Items[1].Items!;
                for (int k = 0; k < items.Length; k += command == "HSCAN" ? 2 : 1) seen.Add(items[k].Text);
                calls++;
                // Churn while scanning: remove members that are not in the MATCH set, add new ones.
                c.Call(command == "SSCAN" ? "SREM" : "HDEL", "big", "member:" + (200 + removed++ % 800));
                if (command == "SSCAN") c.Call("SADD", "big", "late:" + calls);
                else c.Call("HSET", "big", "late:" + calls, "v");
            }
            while (cursor != "0");
            Assert.True(server == servers.Redis || calls > 5, $"{command} answered a 2000-member collection in {calls} calls");
            results.Add(seen);
        }
        var expected = Enumerable.Range(0, 2000).Select(i => "member:" + i).Where(m => m.StartsWith("member:1", StringComparison.Ordinal)).ToHashSet();
        Assert.True(expected.IsSubsetOf(results[0]), "Arrakis missed members present for the whole scan");
        Assert.True(expected.IsSubsetOf(results[1]));
    }

    [Fact]
    public void Hello_with_auth_and_setname_matches_redis_when_a_password_is_set()
    {
        using var arrakis = ServerProcess.StartArrakis("--requirepass", "pw");
        using var redis = ServerProcess.StartRedis("--requirepass", "pw");
        var replies = new List<List<string>>();
        foreach (var server in new[] { arrakis, redis })
        {
            using var c = new RespConnection(server.Port);
            var list = new List<string>();
            foreach (var cmd in new[] { new[] { "HELLO", "3" }, ["PING"], ["HELLO", "3", "AUTH", "default", "bad"], ["HELLO", "3", "AUTH", "nobody", "pw"],
                         ["HELLO", "3", "AUTH", "default", "pw", "SETNAME", "app"], ["CLIENT", "GETNAME"], ["AUTH", "pw"], ["AUTH", "default", "pw"], ["RESET"], ["GET", "x"] })
            {
                var (value, raw) = c.CallRaw(cmd.Select(Encoding.UTF8.GetBytes).ToArray());
                list.Add(cmd[0] == "HELLO" && value.Type == RespType.Map ? "map:" + string.Join(",", value.Items!.Where((_, i) => i % 2 == 0).Select(k => k.Text)) : Encoding.UTF8.GetString(raw));
            }
            replies.Add(list);
        }
        Assert.Equal(replies[1], replies[0]);
    }

    [Fact]
    public void Slowlog_records_commands_over_the_threshold()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        c.Call("SLOWLOG", "RESET");
        c.Call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        try
        {
            c.Call("SET", "slow:key", "value");
            var entries = c.Call("SLOWLOG", "GET", "-1");
            Assert.Contains(entries.Items!, e => e.Items![3].Items!.Select(a => a.Text).SequenceEqual(["SET", "slow:key", "value"]));
            Assert.True(c.Call("SLOWLOG", "LEN").Integer >= 1);
        }
        finally
        {
            c.Call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            c.Call("SLOWLOG", "RESET");
        }
        Assert.Equal(0, c.Call("SLOWLOG", "LEN").Integer);
    }

    [Fact]
    public void Command_count_and_list_describe_exactly_the_implemented_commands()
    {
        using var c = new RespConnection(servers.Arrakis.Port);
        long count = c.Call("COMMAND", "COUNT").Integer;
        var all = c.Call("COMMAND");
        Assert.Equal(count, all.Items!.Length);
        foreach (var entry in all.Items)
        {
            string name = entry.Items![0].Text;
            if (name is "shutdown" or "monitor" or "debug" or "quit") continue;
            var reply = c.Call(name.ToUpperInvariant());
            Assert.DoesNotContain("unknown command", reply.Text);
        }
    }
}
