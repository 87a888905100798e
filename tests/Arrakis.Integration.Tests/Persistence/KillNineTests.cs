using System.Collections.Concurrent;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Persistence;

/// <summary>
/// kill -9 trials on the real path (io_uring over an O_DIRECT pre-written file): clients write under
/// appendfsync always and note every acknowledged write; the server is killed at a random moment and
/// restarted on the same directory; every acknowledged write must be there. Automatic rewrites run
/// every few hundred KB of log, so kills also land inside rewrites. 50 trials here
/// (ARRAKIS_KILL9_TRIALS sets another number; tests/kill9.sh runs 1,000).
/// </summary>
[Collection("servers")]
public sealed class KillNineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arrakis-kill9-").FullName;

    private ServerProcess Start() => ServerProcess.StartArrakis("--appendonly", "yes", "--appendfsync", "always", "--dir", _dir, "--aof-log-size", "32mb", "--aof-io", "uring",
        "--auto-aof-rewrite-min-size", "64kb"); // rewrites (new base, new segment) happen during the trials too: a trial writes
        // 20-60 KB of log on these machines, so with 256kb ten trials sometimes ended before the first rewrite

    private sealed class Acked
    {
        public readonly ConcurrentBag<string> SetKeys = new();
        public readonly ConcurrentDictionary<string, long> Counters = new();
        public readonly ConcurrentDictionary<string, long> ListLengths = new();
        public readonly ConcurrentBag<(string Hash, string Field)> HashFields = new();
        public readonly ConcurrentBag<string> Errors = new();
    }

    [Fact]
    public void EveryAcknowledgedWrite_SurvivesKillNine()
    {
        int trials = int.TryParse(Environment.GetEnvironmentVariable("ARRAKIS_KILL9_TRIALS"), out int t) ? t : 50;
        var rng = new Random(20261127);
        var server = Start();
        long acknowledged = 0;
        try
        {
            for (int trial = 0; trial < trials; trial++)
            {
                var acked = new Acked();
                using var stop = new CancellationTokenSource();
                int port = server.Port, round = trial;
                var writers = Enumerable.Range(0, 4).Select(w => new Thread(() => Write(port, round, w, acked, stop.Token))).ToArray();
                foreach (var w in writers) w.Start();
                Thread.Sleep(rng.Next(20, 300));
                var killed = server;
                killed.Dispose(); // SIGKILL, mid-stream
                stop.Cancel();
                foreach (var w in writers) w.Join();
                server = Start();
                string log = killed.Output;
                Assert.True(acked.Errors.IsEmpty, $"trial {trial}: {string.Join("; ", acked.Errors)}\n{log[Math.Max(0, log.Length - 4000)..]}");
                Verify(server.Port, trial, acked);
                acknowledged += acked.SetKeys.Count + acked.HashFields.Count;
            }
            Assert.True(acknowledged >= trials * 4, $"only {acknowledged} writes were acknowledged in {trials} trials: the trials proved little");
            var manifest = File.ReadAllText(Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest"));
            Assert.Matches(@"file appendonly\.aof\.\d+\.base\.rdb seq \d+ type b", manifest); // rewrites did run
        }
        finally
        {
            server.Dispose();
        }
    }

    private static void Write(int port, int trial, int writer, Acked acked, CancellationToken stop)
    {
        try
        {
            using var c = new RespConnection(port, timeoutMs: 5000);
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string tag = $"{trial}:{writer}";
                switch (i % 4)
                {
                    case 0:
                        var set = c.Call("SET", $"s:{tag}:{i}", $"v{i}");
                        if (set.Text == "OK") acked.SetKeys.Add($"s:{tag}:{i}");
                        else if (set.Type == Arrakis.Protocol.RespType.Error) acked.Errors.Add($"{trial}: SET answered {set.Text}");
                        break;
                    case 1:
                        var n = c.Call("INCR", $"c:{tag}");
                        acked.Counters[$"c:{tag}"] = n.Integer;
                        break;
                    case 2:
                        var len = c.Call("LPUSH", $"l:{tag}", $"e{i}");
                        acked.ListLengths[$"l:{tag}"] = len.Integer;
                        break;
                    default:
                        if (c.Call("HSET", $"h:{tag}", $"f{i}", $"{i}").Integer == 1) acked.HashFields.Add(($"h:{tag}", $"f{i}"));
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            // The server died under us: what was acknowledged before that is what counts.
        }
        catch (FormatException)
        {
            // An error where a count was expected (MISCONF when the log failed): fail the test, not the test host.
            acked.Errors.Add(trial + ": an error reply to a write");
        }
    }

    private static void Verify(int port, int trial, Acked acked)
    {
        using var c = new RespConnection(port);
        foreach (var key in acked.SetKeys)
        {
            var v = c.Call("GET", key);
            Assert.True(v.Text == "v" + key.Split(':')[^1], $"trial {trial}: acknowledged SET {key} lost (got '{v.Text}')");
        }
        foreach (var (key, value) in acked.Counters)
        {
            long now = long.Parse(c.Call("GET", key).Text is { Length: > 0 } text ? text : "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(now >= value, $"trial {trial}: {key} is {now}, but INCR had acknowledged {value}");
        }
        foreach (var (key, length) in acked.ListLengths)
        {
            long now = c.Call("LLEN", key).Integer;
            Assert.True(now >= length, $"trial {trial}: {key} has {now} elements, but LPUSH had acknowledged {length}");
        }
        foreach (var (hash, field) in acked.HashFields)
            Assert.True(c.Call("HEXISTS", hash, field).Integer == 1, $"trial {trial}: acknowledged HSET {hash} {field} lost");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
