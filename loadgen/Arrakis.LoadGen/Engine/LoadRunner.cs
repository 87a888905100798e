using System.Diagnostics;
using System.Net.Sockets;
using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Engine;

/// <summary>Opens the connections, runs the workers, reports progress, and merges what they measured.</summary>
internal static class LoadRunner
{
    /// <summary>Runs one workload. Throws <see cref="OptionException"/> when the server cannot be reached.</summary>
    public static RunResult Run(LoadGenOptions o, Action<Progress>? progress = null, CancellationToken cancel = default)
    {
        var connections = new List<Connection>();
        int maxRequest = o.EffectiveCommands.Max(c => new Workload.RequestEncoder(c, o.KeyPrefix).MaxSize(o.DataSizeMax));
        try
        {
            for (int i = 0; i < o.Connections; i++)
                connections.Add(Connection.Open(o.Host, o.Port, o.Resp3, o.Auth, o.Db, o.Pipeline, maxRequest, i));
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            foreach (var c in connections) c.Dispose();
            throw new OptionException($"cannot connect to {o.Host}:{o.Port}: {e.Message}");
        }

        var clock = new RunClock(o.WarmupSeconds, o.TestTimeSeconds);
        var workers = new Worker[o.Threads];
        var threads = new Thread[o.Threads];
        for (int t = 0; t < o.Threads; t++)
        {
            var mine = connections.Where(c => c.Index % o.Threads == t).ToList();
            workers[t] = new Worker(t, o, mine, clock);
            var w = workers[t];
            threads[t] = new Thread(w.Run) { IsBackground = true, Name = $"loadgen-{t}" };
        }
        using var registration = cancel.Register(clock.StopSending);
        foreach (var th in threads) th.Start();

        long total = o.TestTimeSeconds > 0 ? 0 : o.Requests * o.Connections;
        long lastCompleted = 0, lastTicks = clock.StartTicks, lastLatency = 0, lastRecorded = 0;
        while (!threads.All(t => !t.IsAlive))
        {
            threads[0].Join(1000);
            foreach (var th in threads) th.Join(0);
            if (progress is null) continue;
            long now = Stopwatch.GetTimestamp();
            long completed = workers.Sum(w => Interlocked.Read(ref w.Completed));
            long latency = workers.Sum(w => Interlocked.Read(ref w.LatencySumUs));
            long recorded = workers.Sum(w => Interlocked.Read(ref w.Recorded));
            double seconds = (now - lastTicks) / (double)Stopwatch.Frequency;
            double elapsed = (now - clock.StartTicks) / (double)Stopwatch.Frequency;
            double percent = total > 0 ? 100.0 * completed / total : Math.Min(100, 100 * elapsed / (o.TestTimeSeconds + o.WarmupSeconds));
            progress(new Progress(elapsed, (completed - lastCompleted) / Math.Max(seconds, 1e-9),
                recorded > lastRecorded ? (latency - lastLatency) / 1000.0 / (recorded - lastRecorded) : 0, percent));
            lastCompleted = completed;
            lastTicks = now;
            lastLatency = latency;
            lastRecorded = recorded;
        }
        long end = Stopwatch.GetTimestamp();
        foreach (var c in connections) c.Dispose();

        var names = o.EffectiveCommands.Select(c => c.Name).ToArray();
        var merged = names.Select(n => new CommandStats(n)).ToArray();
        var totals = new CommandStats("Totals");
        foreach (var w in workers)
        {
            for (int i = 0; i < merged.Length; i++)
            {
                merged[i].Add(w.Stats[i]);
                totals.Add(w.Stats[i]);
            }
        }
        long recordEnd = Math.Min(end, clock.StopSendingTicks);
        double window = Math.Max(0, (recordEnd - Math.Max(clock.RecordFromTicks, clock.StartTicks)) / (double)Stopwatch.Frequency);
        return new RunResult
        {
            Commands = merged,
            Totals = totals,
            Seconds = window,
            Problems = workers.SelectMany(w => w.Problems).ToList(),
            Aborted = clock.Aborted,
        };
    }
}
