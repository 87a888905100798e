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

    private ServerProcess Start(params string[] extra) => ServerProcess.StartArrakis(["--appendonly", "yes", "--appendfsync", "always", "--dir", _dir, "--aof-log-size", "32mb", "--aof-io", "uring",
        "--auto-aof-rewrite-min-size", "64kb", .. extra]); // rewrites (new base, new segment) happen during the trials too: a trial writes
        // 20-60 KB of log on these machines, so with 256kb ten trials sometimes ended before the first rewrite

    private sealed class Acked
    {
        public readonly ConcurrentBag<string> SetKeys = new();
        public readonly ConcurrentDictionary<string, long> Counters = new();
        public readonly ConcurrentDictionary<string, long> ListLengths = new();
        public readonly ConcurrentBag<(string Hash, string Field)> HashFields = new();
        public readonly ConcurrentBag<string> Errors = new();
    }

    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("ARRAKIS_KILL9_TRIALS"), out int t) ? t : 50;

    [Fact]
    public void EveryAcknowledgedWrite_SurvivesKillNine()
    {
        RunTrials(() => Start(), Trials, (_, _) => { });
        var manifest = File.ReadAllText(Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest"));
        Assert.Matches(@"file appendonly\.aof\.\d+\.base\.rdb seq \d+ type b", manifest); // rewrites did run
    }

    /// <summary>
    /// appendfsync everysec holds no reply, and writes the log at most once a millisecond: what a burst staged inside
    /// that window is written when it ends, though no request follows. So after a quiet moment a kill -9 loses nothing
    /// acknowledged (the writes are on the device; only a power loss could take the unflushed second).
    /// </summary>
    [Fact]
    public void EverySec_AQuietMomentBeforeKillNine_LosesNothingAcknowledged()
    {
        var server = ServerProcess.StartArrakis("--appendonly", "yes", "--appendfsync", "everysec", "--dir", _dir, "--aof-log-size", "32mb", "--aof-io", "uring", "--hz", "1");
        try
        {
            for (int trial = 0; trial < 5; trial++)
            {
                long acked = 0;
                using (var c = new RespConnection(server.Port))
                {
                    // Bursts a round trip apart: all but the first of each land inside the previous write's window.
                    for (int burst = 0; burst < 50; burst++)
                    {
                        c.SendRaw(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("INCR n\r\n", 20))));
                        for (int i = 0; i < 20; i++) acked = c.ReadReply().Value.Integer;
                    }
                }
                Thread.Sleep(100); // the window (1 ms) is long over; the cron (hz 1) may not have ticked
                server.Dispose(); // SIGKILL
                server = ServerProcess.StartArrakis("--appendonly", "yes", "--appendfsync", "everysec", "--dir", _dir, "--aof-log-size", "32mb", "--aof-io", "uring", "--hz", "1");
                using var r = new RespConnection(server.Port);
                Assert.Equal(acked.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Call("GET", "n").Text);
            }
        }
        finally
        {
            server.Dispose();
        }
    }

    /// <summary>The trials with io_uring's submission-polling thread (--aof-sqpoll yes: write + linked fdatasync for every frame), fewer of them.</summary>
    [Fact]
    public void EveryAcknowledgedWrite_SurvivesKillNine_WithSqPoll()
    {
        bool sawSqPoll = false;
        RunTrials(() => Start("--aof-sqpoll", "yes"), Math.Max(1, Trials / 5), (_, server) =>
        {
            using var c = new RespConnection(server.Port);
            sawSqPoll |= c.Call("INFO", "persistence").Text.Contains("eventfd, SQPOLL", StringComparison.Ordinal);
        });
        Assert.True(sawSqPoll, "INFO persistence never named SQPOLL in the log's storage line");

        // SQPOLL is io_uring's: asked for where the sync path could be chosen, startup refuses and says why.
        var (code, output) = ServerProcess.RunArrakisToExit("--appendonly", "yes", "--dir", _dir, "--aof-sqpoll", "yes", "--aof-io", "auto");
        Assert.True(code != 0, output);
        Assert.Contains("--aof-sqpoll yes needs --aof-io uring", output);
    }

    /// <summary>
    /// The same trials with the log on a raw block device (--aof-device: a loop device with direct I/O over a
    /// 64 MiB file): every rewrite moves the log to the other half of the device, zeroed first, so kills land
    /// in appends, in rewrites and in the zeroing, in both halves.
    /// </summary>
    [SkippableFact]
    public void EveryAcknowledgedWrite_SurvivesKillNine_OnABlockDevice()
    {
        if (Tmds.Linux.LibC.geteuid() != 0)
        {
            const string message = "the block device trials need root (losetup)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message + ": CI runs as root");
            Skip.If(true, message);
        }
        string backing = Path.Combine(_dir, "disk.img");
        using (var f = File.Create(backing)) f.SetLength(64 << 20); // sparse: the smallest device a log takes (two 32 MiB halves)
        string device = Losetup($"--find --show --direct-io=on {backing}").Trim();
        Assert.StartsWith("/dev/loop", device);
        try
        {
            var starts = new HashSet<long>();
            string manifestPath = Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest");
            RunTrials(() => Start("--aof-device", device), Trials, (_, _) =>
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(manifestPath), @"start-offset (\d+)"))
                    starts.Add(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            });
            string manifest = File.ReadAllText(manifestPath);
            Assert.Matches($@"file {System.Text.RegularExpressions.Regex.Escape(device)} seq \d+ type i format arrakis-log-v1 start-offset \d+ start-lsn \d+ region-end \d+", manifest);
            // Both halves (and, after a kill inside a rewrite, segments that continue in the current half).
            Assert.True(starts.Contains(0) && starts.Contains(32 << 20) && starts.All(s => s < 64 << 20),
                $"the log should have used both halves of the device; segments started at {string.Join(", ", starts.Order())}");
            Assert.DoesNotContain(".incr.arkl", string.Join(" ", Directory.GetFiles(Path.Combine(_dir, "appendonlydir")))); // nothing went to files
        }
        finally
        {
            Losetup($"--detach {device}");
        }
    }

    private void RunTrials(Func<ServerProcess> start, int trials, Action<int, ServerProcess> afterTrial)
    {
        var rng = new Random(20261127);
        var server = start();
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
                server = start();
                string log = killed.Output;
                Assert.True(acked.Errors.IsEmpty, $"trial {trial}: {string.Join("; ", acked.Errors)}\n{log[Math.Max(0, log.Length - 4000)..]}");
                Verify(server.Port, trial, acked);
                acknowledged += acked.SetKeys.Count + acked.HashFields.Count;
                afterTrial(trial, server);
            }
            Assert.True(acknowledged >= trials * 4, $"only {acknowledged} writes were acknowledged in {trials} trials: the trials proved little");
        }
        finally
        {
            server.Dispose();
        }
    }

    private static string Losetup(string arguments)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("losetup", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"losetup {arguments}: {output}");
        return output;
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
