using System.Diagnostics;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Persistence;

/// <summary>
/// Snapshots against the real thing: our BGSAVE passes redis-check-rdb and redis-server loads it with
/// the same keyspace; redis-server's SAVE loads into ours the same way (the migration path both ways).
/// </summary>
[Collection("servers")]
public sealed class SnapshotDifferentialTests : IDisposable
{
    private readonly string _ours = Directory.CreateTempSubdirectory("arrakis-snap-ours-").FullName;
    private readonly string _theirs = Directory.CreateTempSubdirectory("arrakis-snap-redis-").FullName;

    private static void Fill(RespConnection c)
    {
        c.Call("SET", "str", "hello");
        c.Call("SET", "int", "-42");
        c.Call("SET", "long", new string('z', 3000));
        c.Call("SET", "ttl", "v", "EX", "5000");
        c.Call(["RPUSH", "biglist", .. Enumerable.Range(0, 5000).Select(i => "element-" + i)]);
        c.Call("RPUSH", "list", "a", "b", "1");
        c.Call("SADD", "intset", "5", "3", "-1");
        c.Call(["SADD", "bigset", .. Enumerable.Range(0, 700).Select(i => "m" + i)]);
        c.Call("HSET", "hash", "f", "v", "n", "1");
        c.Call(["HSET", "bighash", .. Enumerable.Range(0, 700).SelectMany(i => new[] { "f" + i, "v" + i })]);
        c.Call("ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c");
        c.Call(["ZADD", "bigzset", .. Enumerable.Range(0, 300).SelectMany(i => new[] { (i / 3.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "m" + i })]);
        c.Call("PFADD", "hll", "a", "b", "c");
        for (int i = 1; i <= 450; i++) c.Call("XADD", "stream", $"{i}-{i % 3}", "f", "v" + i, "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        c.Call("XADD", "stream", "500-0", "other", new string('x', 5000));
        c.Call("XDEL", "stream", "2-2", "100-1", "450-0");
        c.Call("XGROUP", "CREATE", "stream", "g", "0");
        c.Call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "7", "STREAMS", "stream", ">");
        c.Call("XGROUP", "CREATE", "stream", "h", "$", "ENTRIESREAD", "3");
        c.Call("XGROUP", "CREATECONSUMER", "stream", "h", "bob");
        c.Call("XGROUP", "CREATE", "emptystream", "g", "$", "MKSTREAM");
        c.Call("SELECT", "5");
        c.Call("SET", "in5", "yes");
        c.Call("HSET", "h5", "k", "v");
        c.Call("SELECT", "0");
        for (int i = 0; i < 2000; i++) c.Call("SET", "key:" + i, "value:" + i);
    }

    private static string Dump(RespConnection c)
    {
        var lines = new List<string>();
        foreach (int db in new[] { 0, 5 })
        {
            c.Call("SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var key in c.Call("KEYS", "*").Items!.Select(i => i.Text).Order(StringComparer.Ordinal))
            {
                string content = KeyContent.Read(c, key);
                // A loaded short string is embstr in Redis whatever it was before (a PFADD-built HLL is raw until then).
                string encoding = c.Call("OBJECT", "ENCODING", key).Text is "raw" or "embstr" ? "str" : c.Call("OBJECT", "ENCODING", key).Text;
                lines.Add($"{db} {key} {encoding} {c.Call("PEXPIRETIME", key).Text} {content}");
            }
        }
        c.Call("SELECT", "0");
        return string.Join("\n", lines);
    }

    private static void WaitSaved(RespConnection c)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (c.Call("INFO", "persistence").Text.Contains("rdb_bgsave_in_progress:1", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Contains("rdb_last_bgsave_status:ok", c.Call("INFO", "persistence").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void OurBgsave_PassesRedisCheckRdb_AndLoadsIntoRedisEqual()
    {
        string ours;
        using (var server = ServerProcess.StartArrakis("--dir", _ours))
        {
            using var c = new RespConnection(server.Port);
            Fill(c);
            Assert.Equal("Background saving started", c.Call("BGSAVE").Text);
            WaitSaved(c);
            ours = Dump(c);
        }
        var check = Process.Start(new ProcessStartInfo("redis-check-rdb", Path.Combine(_ours, "dump.rdb")) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string report = check.StandardOutput.ReadToEnd() + check.StandardError.ReadToEnd();
        check.WaitForExit();
        Assert.True(check.ExitCode == 0, report);
        Assert.Contains("RDB looks OK", report, StringComparison.Ordinal);
        using var redis = ServerProcess.StartRedis("--dir", _ours, "--dbfilename", "dump.rdb");
        using var r = new RespConnection(redis.Port);
        Assert.Equal(ours, Dump(r));
    }

    /// <summary>Our server or redis-server on its own directory, with no save points.</summary>
    private ServerProcess StartWithoutSavePoints(string which) => which == "arrakis"
        ? ServerProcess.StartArrakis("--dir", _ours, "--save", "")
        : ServerProcess.StartRedis("--dir", _theirs, "--save", "");

    private static string InfoField(string info, string name) =>
        info.Split("\r\n").Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>INFO's rdb_last_load_keys_loaded and _expired: what the startup load of dump.rdb stored and skipped.</summary>
    [Theory]
    [InlineData("arrakis")]
    [InlineData("redis")]
    public void LastLoadKeys_CountWhatTheStartupLoadStoredAndSkipped(string which)
    {
        using (var server = StartWithoutSavePoints(which))
        {
            using var c = new RespConnection(server.Port);
            Assert.Equal("0", InfoField(c.Call("INFO", "persistence").Text, "rdb_last_load_keys_loaded"));
            c.Call("SET", "a", "1");
            c.Call("HSET", "h", "f", "v");
            c.Call("SET", "soon-gone", "v", "PX", "1000"); // saved (SAVE is the next command), expired by the restart
            Assert.Equal("OK", c.Call("SAVE").Text);
        }
        Thread.Sleep(1100);
        using var again = StartWithoutSavePoints(which);
        using var r = new RespConnection(again.Port);
        string info = r.Call("INFO", "persistence").Text;
        Assert.Equal("2", InfoField(info, "rdb_last_load_keys_loaded"));
        Assert.Equal("1", InfoField(info, "rdb_last_load_keys_expired"));
    }

    /// <summary>INFO's total_forks counts background snapshots (BGSAVE: Redis's fork), not SAVE; latest_fork_usec is how long the
    /// last one stopped writers (ours: every stripe held at its beginning).</summary>
    [Theory]
    [InlineData("arrakis")]
    [InlineData("redis")]
    public void TotalForks_CountsBgsave_NotSave(string which)
    {
        using var server = StartWithoutSavePoints(which);
        using var c = new RespConnection(server.Port);
        long Stat(string name) => long.Parse(InfoField(c.Call("INFO", "stats").Text, name), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, Stat("total_forks"));
        Assert.Equal(0, Stat("latest_fork_usec"));
        for (int i = 0; i < 1000; i++) c.Call("SET", "k" + i, "v");
        Assert.Equal("OK", c.Call("SAVE").Text);
        Assert.Equal(0, Stat("total_forks"));
        Assert.Equal("Background saving started", c.Call("BGSAVE").Text);
        WaitSaved(c);
        Assert.Equal(1, Stat("total_forks"));
        Assert.InRange(Stat("latest_fork_usec"), 1, 10_000_000);
    }

    /// <summary>During a background save INFO shows its progress: keys at its beginning, keys written so far, and the
    /// percentage; all 0 again once it is over.</summary>
    [Theory]
    [InlineData("arrakis")]
    [InlineData("redis")]
    public void CurrentSaveKeys_ShowABackgroundSavesProgress(string which)
    {
        using var server = StartWithoutSavePoints(which);
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        FillLarge(c);
        Assert.Equal("Background saving started", c.Call("BGSAVE").Text);
        int seen = 0; // a 40 MB save runs for tens of ms at least (and Redis reaps its child at a cron tick)
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            string info = c.Call("INFO", "persistence").Text;
            if (InfoField(info, "rdb_bgsave_in_progress") != "1") break;
            // Redis's child reports its count now and then: the total is there from the start, the count may lag.
            Assert.Equal("20000", InfoField(info, "current_save_keys_total"));
            Assert.InRange(long.Parse(InfoField(info, "current_save_keys_processed"), System.Globalization.CultureInfo.InvariantCulture), 0, 20000);
            Assert.InRange(double.Parse(InfoField(info, "current_fork_perc"), System.Globalization.CultureInfo.InvariantCulture), 0, 100);
            seen++;
        }
        Assert.True(seen > 0, "the save was never seen in progress");
        WaitSaved(c);
        string after = c.Call("INFO", "persistence").Text;
        Assert.Equal("0", InfoField(after, "current_save_keys_total"));
        Assert.Equal("0", InfoField(after, "current_save_keys_processed"));
        Assert.Equal("0.00", InfoField(after, "current_fork_perc"));
    }

    /// <summary>
    /// BGSAVE is a point in its client's stream: what the client wrote before is in the file, what it sends after is
    /// not, though it comes in the same packet (Redis forks inside the command). Our snapshot begins on the save's
    /// thread once memory for its copies is ready (tens of ms for this keyspace), so the client waits for that.
    /// </summary>
    [Theory]
    [InlineData("arrakis")]
    [InlineData("redis")]
    public void Bgsave_HoldsWhatItsClientWroteBefore_AndNothingAfter(string which)
    {
        string dir = which == "arrakis" ? _ours : _theirs;
        using (var server = which == "arrakis" ? ServerProcess.StartArrakis("--dir", dir, "--save", "") : ServerProcess.StartRedis("--dir", dir, "--save", ""))
        {
            using var c = new RespConnection(server.Port, timeoutMs: 60000);
            FillLarge(c);
            c.SendRaw(Pipeline(["SET", "probe", "before"], ["BGSAVE"], ["SET", "probe", "after"], ["SET", "late", "x"]));
            Assert.Equal("OK", c.ReadReply().Value.Text);
            Assert.Equal("Background saving started", c.ReadReply().Value.Text);
            Assert.Equal("OK", c.ReadReply().Value.Text);
            Assert.Equal("OK", c.ReadReply().Value.Text);
            WaitSaved(c);
        }
        using var again = which == "arrakis" ? ServerProcess.StartArrakis("--dir", dir, "--save", "") : ServerProcess.StartRedis("--dir", dir, "--save", "");
        using var a = new RespConnection(again.Port);
        Assert.Equal("before", a.Call("GET", "probe").Text);
        Assert.Equal(0, a.Call("EXISTS", "late").Integer);
        Assert.Equal(20_001, a.Call("DBSIZE").Integer);
    }

    /// <summary>While BGSAVE's client waits for the snapshot to begin: CLIENT REPLY SKIP still silences its answer,
    /// and a client that leaves meanwhile takes nothing down (the save completes, the server serves).</summary>
    [Theory]
    [InlineData("arrakis")]
    [InlineData("redis")]
    public void Bgsave_AnswersPerReplyMode_AndOutlivesItsClient(string which)
    {
        using var server = which == "arrakis" ? ServerProcess.StartArrakis("--dir", _ours, "--save", "") : ServerProcess.StartRedis("--dir", _theirs, "--save", "");
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        FillLarge(c);
        c.SendRaw(Pipeline(["CLIENT", "REPLY", "SKIP"], ["BGSAVE"], ["PING"]));
        Assert.Equal("PONG", c.ReadReply().Value.Text);
        WaitSaved(c);
        using (var leaving = new RespConnection(server.Port))
            leaving.SendRaw(Pipeline(["BGSAVE"], ["SET", "after-leaving", "x"]));
        Thread.Sleep(100);
        WaitSaved(c);
        Assert.Equal("PONG", c.Call("PING").Text);
        long ran = c.Call("EXISTS", "after-leaving").Integer; // Redis runs it; ours drops what a client that left while waiting sent after
        Assert.Equal(20_000 + ran, c.Call("DBSIZE").Integer);
    }

    /// <summary>20,000 keys of 2,000 bytes, pipelined: big enough that our snapshot's memory takes a while to ready.</summary>
    private static void FillLarge(RespConnection c)
    {
        var fill = new MemoryStream();
        var value = new byte[2000];
        Array.Fill(value, (byte)'v');
        const int keys = 20_000;
        for (int i = 0; i < keys; i++) fill.Write(RespConnection.Encode([System.Text.Encoding.ASCII.GetBytes("SET"), System.Text.Encoding.ASCII.GetBytes("key:" + i), value]));
        c.SendRaw(fill.ToArray());
        for (int i = 0; i < keys; i++) Assert.Equal("OK", c.ReadReply().Value.Text);
    }

    private static byte[] Pipeline(params string[][] commands)
    {
        var pipeline = new MemoryStream();
        foreach (var command in commands) pipeline.Write(RespConnection.Encode(command.Select(a => System.Text.Encoding.ASCII.GetBytes(a)).ToArray()));
        return pipeline.ToArray();
    }

    [Fact]
    public void RedisSave_LoadsIntoOurs_Equal_AndOurSaveLoadsBack()
    {
        string theirs;
        using (var redis = ServerProcess.StartRedis("--dir", _theirs, "--dbfilename", "dump.rdb"))
        {
            using var r = new RespConnection(redis.Port);
            Fill(r);
            Assert.Equal("OK", r.Call("SAVE").Text);
            theirs = Dump(r);
        }
        using (var server = ServerProcess.StartArrakis("--dir", _theirs))
        {
            using var c = new RespConnection(server.Port);
            Assert.Equal(theirs, Dump(c));
            Assert.Equal("OK", c.Call("SAVE").Text);
            var deadline = DateTime.UtcNow.AddSeconds(10); // the startup report reaches us asynchronously
            while (!server.Output.Contains("loaded", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.Contains("loaded", server.Output, StringComparison.Ordinal);
        }
        using var again = ServerProcess.StartArrakis("--dir", _theirs);
        using var a = new RespConnection(again.Port);
        Assert.Equal(theirs, Dump(a));
    }

    public void Dispose()
    {
        foreach (var d in new[] { _ours, _theirs })
        {
            try
            {
                Directory.Delete(d, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
