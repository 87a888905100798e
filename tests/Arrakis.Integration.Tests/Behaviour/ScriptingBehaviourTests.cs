using System.Diagnostics;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>Scripts as one command under concurrency, the busy-script rules (BUSY, SCRIPT KILL,
/// FUNCTION KILL, UNKILLABLE, SHUTDOWN NOSAVE), and scripts and functions across a restart with the log on.</summary>
public sealed class ScriptingBehaviourTests
{
    private const string Spin = "local i = 0 while true do i = i + 1 end";

    [Fact]
    public void Scripts_are_atomic_against_plain_commands_on_other_threads()
    {
        using var server = ServerProcess.StartArrakis("--threads", "2");
        using var admin = new RespConnection(server.Port);
        const int writers = 4, rounds = 300;
        bool torn = false;
        using var stop = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            using var c = new RespConnection(server.Port);
            while (!stop.IsCancellationRequested)
            {
                var r = c.Call("MGET", "x", "y");
                if (r.Items![0].Text != r.Items[1].Text) torn = true;
            }
        });
        reader.Start();
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            using var c = new RespConnection(server.Port);
            for (int i = 0; i < rounds; i++)
            {
                // Keys the script did not declare, as real applications do.
                c.Call("EVAL", "redis.call('incr', 'x') for i = 1, 200 do end return redis.call('incr', 'y')", "0");
                c.Call("INCR", "plain");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        stop.Cancel();
        reader.Join();
        Assert.False(torn, "a reader saw x and y differ: a script was seen half done");
        Assert.Equal(writers * rounds, admin.Call("GET", "x").Integer);
        Assert.Equal(writers * rounds, admin.Call("GET", "y").Integer);
        Assert.Equal(writers * rounds, admin.Call("GET", "plain").Integer);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_busy_script_gets_other_clients_BUSY_and_SCRIPT_KILL_stops_it(int threads)
    {
        using var server = ServerProcess.StartArrakis("--threads", threads.ToString(), "--busy-reply-threshold", "100");
        using var runner = new RespConnection(server.Port, timeoutMs: 30000);
        runner.SendRaw(RespConnection.Encode(["EVAL"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(Spin), "0"u8.ToArray()]));
        Thread.Sleep(400);
        // Several connections, so that both data-plane threads (also the script's own) answer.
        var others = Enumerable.Range(0, 4).Select(_ => new RespConnection(server.Port)).ToList();
        try
        {
            foreach (var c in others)
            {
                Assert.Equal("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", c.Call("GET", "k").Text);
                Assert.Equal("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", c.Call("PING").Text);
            }
            Assert.Equal("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", others[0].Call("FUNCTION", "KILL").Text);
            Assert.Equal("UNKILLABLE Errors trying to SHUTDOWN. Check logs.", others[1].Call("SHUTDOWN").Text);
            Assert.Equal("OK", others[2].Call("SCRIPT", "KILL").Text);
            var killed = runner.ReadReply().Value;
            Assert.StartsWith("ERR Script killed by user with SCRIPT KILL... script: ", killed.Text);
            Assert.EndsWith(", on @user_script:1.", killed.Text);
            foreach (var c in others) Assert.Equal("PONG", c.Call("PING").Text);
            Assert.Equal("NOTBUSY No scripts in execution right now.", others[3].Call("SCRIPT", "KILL").Text);
            // A script that pcalls around the kill is still stopped.
            runner.SendRaw(RespConnection.Encode(["EVAL"u8.ToArray(), "while true do pcall(function() local i = 0 while true do i = i + 1 end end) end"u8.ToArray(), "0"u8.ToArray()]));
            Thread.Sleep(400);
            Assert.Equal("OK", others[0].Call("SCRIPT", "KILL").Text);
            Assert.StartsWith("ERR Script killed by user with SCRIPT KILL...", runner.ReadReply().Value.Text);
            Assert.Equal("PONG", runner.Call("PING").Text);
        }
        finally
        {
            others.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Lua_memory_is_capped_and_the_server_goes_on()
    {
        using var server = ServerProcess.StartArrakis("--arrakis-lua-max-memory", "64mb");
        using var c = new RespConnection(server.Port);
        var reply = c.Call("EVAL", "local t = {} for i = 1, 1e8 do t[i] = i end return #t", "0");
        Assert.StartsWith("ERR Error running script (call to ", reply.Text);
        Assert.EndsWith("): out of memory", reply.Text);
        Assert.Equal("0 not enough memory", string.Join(" ", c.Call("EVAL", "local ok, e = pcall(string.rep, 'x', 100 * 1024 * 1024) return {ok and 1 or 0, e}", "0").Items!.Select(i => i.Text)));
        long used = long.Parse(c.Call("INFO", "memory").Text.Split("\r\n").First(l => l.StartsWith("used_memory_lua:", StringComparison.Ordinal))[16..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(used, 1, 64L << 20);
        Assert.Equal(100000, c.Call("EVAL", "local t = {} for i = 1, 1e5 do t[i] = i end return #t", "0").Integer);
        Assert.Equal("OK", c.Call("CONFIG", "SET", "arrakis-lua-max-memory", "0").Text);
        Assert.Equal(100L << 20, c.Call("EVAL", "return #string.rep('x', 100 * 1024 * 1024)", "0").Integer);
    }

    [Fact]
    public void A_busy_function_is_stopped_by_FUNCTION_KILL()
    {
        using var server = ServerProcess.StartArrakis("--threads", "2", "--busy-reply-threshold", "100");
        using var runner = new RespConnection(server.Port, timeoutMs: 30000);
        Assert.Equal("spinlib", runner.Call("FUNCTION", "LOAD", "#!lua name=spinlib\nredis.register_function('spin', function() " + Spin + " end)").Text);
        runner.SendRaw(RespConnection.Encode(["FCALL"u8.ToArray(), "spin"u8.ToArray(), "0"u8.ToArray()]));
        Thread.Sleep(400);
        using var other = new RespConnection(server.Port);
        Assert.Equal("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", other.Call("GET", "k").Text);
        Assert.Equal("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", other.Call("SCRIPT", "KILL").Text);
        // FUNCTION STATS answers on every thread while the function runs (it must not wait for the script).
        var more = Enumerable.Range(0, 3).Select(_ => new RespConnection(server.Port, timeoutMs: 5000)).ToList();
        try
        {
            foreach (var c in more.Append(other))
            {
                var stats = c.Call("FUNCTION", "STATS");
                Assert.Equal("spin", stats.Items![1].Items![1].Text);
                Assert.Equal(1, stats.Items[3].Items![1].Items![1].Integer);
            }
        }
        finally
        {
            more.ForEach(c => c.Dispose());
        }
        Assert.Equal("OK", other.Call("FUNCTION", "KILL").Text);
        Assert.StartsWith("ERR Script killed by user with FUNCTION KILL... script: spin, on @user_function:", runner.ReadReply().Value.Text);
    }

    [Fact]
    public void A_script_that_wrote_is_unkillable_and_SHUTDOWN_NOSAVE_drops_its_effects()
    {
        var dir = Directory.CreateTempSubdirectory("arrakis-script-");
        try
        {
            int port;
            using (var server = ServerProcess.StartArrakis("--busy-reply-threshold", "100", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.FullName))
            {
                port = server.Port;
                using var runner = new RespConnection(server.Port, timeoutMs: 30000);
                Assert.Equal("OK", runner.Call("SET", "before", "1").Text);
                runner.SendRaw(RespConnection.Encode(["EVAL"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes("redis.call('set', 'partial', 1) " + Spin), "0"u8.ToArray()]));
                Thread.Sleep(400);
                using var other = new RespConnection(server.Port);
                Assert.StartsWith("UNKILLABLE Sorry the script already executed write commands", other.Call("SCRIPT", "KILL").Text);
                other.SendRaw(RespConnection.Encode(["SHUTDOWN"u8.ToArray(), "NOSAVE"u8.ToArray()]));
                Assert.True(server.WaitForExit(TimeSpan.FromSeconds(20)), "the server did not stop under a busy script");
            }
            using var again = ServerProcess.StartArrakis("--appendonly", "yes", "--dir", dir.FullName);
            using var c = new RespConnection(again.Port);
            Assert.Equal("1", c.Call("GET", "before").Text);
            Assert.Equal(0, c.Call("EXISTS", "partial").Integer);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Script_effects_and_functions_survive_a_restart_and_a_rewrite()
    {
        var dir = Directory.CreateTempSubdirectory("arrakis-script-");
        try
        {
            using (var server = ServerProcess.StartArrakis("--appendonly", "yes", "--appendfsync", "always", "--dir", dir.FullName))
            {
                using var c = new RespConnection(server.Port);
                Assert.Equal("lib", c.Call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('hello', function(k, a) return 'hello ' .. a[1] end)").Text);
                // Effects, not text: a script's random picks and time must replay as they happened.
                c.Call("SADD", "pool", "a", "b", "c", "d", "e", "f");
                var popped = c.Call("EVAL", "local m = redis.call('spop', KEYS[1]) redis.call('set', KEYS[2], m) return m", "2", "pool", "chosen").Text;
                c.Call("EVAL", "redis.call('set', 'n', 1) redis.call('incrbyfloat', 'n', 0.5) return redis.call('get', 'n')", "0");
                Assert.Equal(popped, c.Call("GET", "chosen").Text);
                server.Terminate(TimeSpan.FromSeconds(10));
            }
            string chosen;
            using (var server = ServerProcess.StartArrakis("--appendonly", "yes", "--appendfsync", "always", "--dir", dir.FullName))
            {
                using var c = new RespConnection(server.Port);
                Assert.Equal("hello x", c.Call("FCALL", "hello", "0", "x").Text);
                chosen = c.Call("GET", "chosen").Text;
                Assert.Equal(0, c.Call("SISMEMBER", "pool", chosen).Integer);
                Assert.Equal(5, c.Call("SCARD", "pool").Integer);
                Assert.Equal("1.5", c.Call("GET", "n").Text);
                // The rewrite's base snapshot carries the library too.
                Assert.Equal("Background append only file rewriting started", c.Call("BGREWRITEAOF").Text);
                var sw = Stopwatch.StartNew();
                while (c.Call("INFO", "persistence").Text.Contains("aof_rewrite_in_progress:1") && sw.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(50);
                server.Terminate(TimeSpan.FromSeconds(10));
            }
            using (var server = ServerProcess.StartArrakis("--appendonly", "yes", "--dir", dir.FullName))
            {
                using var c = new RespConnection(server.Port);
                Assert.Equal("hello y", c.Call("FCALL", "hello", "0", "y").Text);
                Assert.Equal(chosen, c.Call("GET", "chosen").Text);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
