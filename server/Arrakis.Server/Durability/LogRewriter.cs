using Arrakis.Persistence.Log;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Durability;

/// <summary>
/// BGREWRITEAOF and the automatic rewrite: compacts the log into a new base snapshot, as Redis 7's
/// multi-part AOF does, without stopping the world.
/// <list type="number">
/// <item>A new segment file is claimed and pre-written (before anything else: it takes seconds).</item>
/// <item>With every stripe held for an instant: the current segment is drained (all durable), the log
/// continues in the new segment at the next LSN, the snapshot is installed at that LSN, and the
/// manifest names old base + old segments + the new segment (so a crash from here on loses nothing).</item>
/// <item>The snapshot is written as the new base RDB (stripes captured by the snapshot thread or by
/// the first command that takes them).</item>
/// <item>The manifest becomes new base + new segment; the old base and segments are deleted.</item>
/// </list>
/// </summary>
internal sealed class LogRewriter(ServerState server)
{
    public bool InProgress { get; private set; }

    private bool _released;

    /// <summary>BGREWRITEAOF inside EXEC: the cron starts it once the transaction is over.</summary>
    public bool Scheduled { get; set; }
    public long Rewrites { get; private set; }
    public bool LastStatusOk { get; private set; } = true;
    public long LastDurationSeconds { get; private set; } = -1;
    public long StartedUnixMs { get; private set; }
    public long ConsecutiveFailures { get; private set; }

    /// <summary>Bytes of the base snapshot (aof_base_size), and the log's end offset when the rewrite began.</summary>
    public long BaseBytes { get; set; }

    /// <summary>Log bytes at the last rewrite (the base for auto-aof-rewrite-percentage).</summary>
    public long SizeAtLastRewrite { get; set; }

    /// <summary>Starts a rewrite on its own thread; false when a snapshot or rewrite is already running.</summary>
    public bool TryStart()
    {
        var dir = server.LogDirectory;
        if (dir is null || server.Durable is null || !server.Snapshots.TryAcquire()) return false;
        InProgress = true;
        _released = false;
        StartedUnixMs = ServerClock.UnixMs;
        var durable = server.Durable;
        var thread = new Thread(() =>
        {
            server.BackgroundThreadStart?.Invoke(BackgroundWork.AofRewrite);
            try
            {
                Run(dir, durable);
            }
            catch (Exception e)
            {
                server.Log.LogError(e, "Background AOF rewrite failed");
                Finish(false);
            }
            finally
            {
                // Whatever happened, the keyspace's snapshot slot is free again (else no rewrite or BGSAVE could ever run).
                if (server.Snapshots.InProgress && !_released) server.Snapshots.Release();
            }
        }) { IsBackground = true, Name = "arrakis-rewrite" };
        thread.Start();
        return true;
    }

    private void Run(LogDirectory dir, DurableLog durable)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var old = dir.Manifest;
        long seq = Math.Max(old.BaseSeq, old.Segments.Max(s => s.Seq)) + 1;
        string name = server.Options.AppendFilename;
        // A rewrite killed before its manifest named them leaves files of the next seq behind: skip past them.
        while (dir.Storage.Exists(dir.PathOf($"{name}.{seq}.incr.arkl")) || File.Exists(dir.PathOf($"{name}.{seq}.base.rdb"))) seq++;
        string segmentFile = $"{name}.{seq}.incr.arkl", baseFile = $"{name}.{seq}.base.rdb";
        LogDevice device;
        try
        {
            device = dir.Storage.Open(dir.PathOf(segmentFile), server.Options.AofLogSize);
        }
        catch (InvalidOperationException e)
        {
            server.Log.LogError("Background AOF rewrite: can't claim the new segment: {Error}", e.Message);
            ReleaseSlot();
            Finish(false);
            return;
        }
        string? failure = null;
        AppendLog? retiredLog = null;
        var snapshot = server.Snapshots.Begin(() =>
        {
            // Every stripe is held: nothing appends. Drain, switch segments, name both in the manifest.
            var current = durable.Log;
            int drained = current.Drain();
            if (drained < 0)
            {
                failure = $"the current segment could not be made durable ({Arrakis.IoBypass.Block.BlockErrno.Describe(drained)})";
                return current.LastLsn;
            }
            long lsn = current.LastLsn;
            var next = new AppendLog(device.QueuePair, 0, lsn + 1, current.Policy);
            try
            {
                dir.Commit(old with { Segments = [.. old.Segments, new LogSegment(segmentFile, seq, 0, lsn + 1)] });
            }
            catch (IOException e)
            {
                failure = e.Message;
                next.Dispose();
                return lsn;
            }
            retiredLog = current;
            durable.Replace(next, device.Report);
            return lsn;
        });
        if (failure is not null)
        {
            server.Log.LogError("Background AOF rewrite: {Error}", failure);
            device.Owner.Dispose();
            ReleaseSlot();
            snapshot.DiscardParts(); // what commands captured before the slot was released
            Finish(false);
            return;
        }
        var retired = dir.Current;
        dir.Current = device;
        bool ok;
        long bytes;
        try
        {
            ok = server.Snapshots.WriteFile(snapshot, dir.PathOf(baseFile), aofBase: true, out bytes);
        }
        finally
        {
            ReleaseSlot();
        }
        if (ok)
        {
            try
            {
                dir.Commit(new LogManifest(baseFile, seq, [new LogSegment(segmentFile, seq, 0, snapshot.Lsn + 1)]));
            }
            catch (IOException e)
            {
                server.Log.LogError("Background AOF rewrite: {Error}", e.Message);
                ok = false;
            }
        }
        if (!ok)
        {
            // The manifest still names the old files plus the new segment: nothing is lost, the rewrite is
            // retried later (the old segment stays listed; its device is released, the file stays).
            RetireLater(retired, retiredLog);
            Finish(false);
            return;
        }
        RetireLater(retired, retiredLog);
        foreach (var f in old.Segments.Select(s => s.File).Append(old.BaseFile))
        {
            if (f is null || Path.IsPathRooted(f)) continue;
            try
            {
                File.Delete(dir.PathOf(f));
            }
            catch (IOException e)
            {
                server.Log.LogWarning("Background AOF rewrite: can't delete {File}: {Error}", f, e.Message);
            }
        }
        BaseBytes = bytes;
        SizeAtLastRewrite = 0;
        server.Log.LogInformation("Background AOF rewrite finished: base {Base} ({Keys} keys, {Bytes} bytes) at LSN {Lsn}, log continues in {Segment}, in {Ms} ms",
            baseFile, snapshot.Keys, bytes, snapshot.Lsn, segmentFile, started.ElapsedMilliseconds);
        Finish(true);
    }

    private void ReleaseSlot()
    {
        if (_released) return;
        _released = true;
        server.Snapshots.Release();
    }

    /// <summary>
    /// Releases the segment the log moved on from a little later: a data-plane thread may still be inside a
    /// Pump of the old log (microseconds), and the buffers it touches must outlive that.
    /// </summary>
    private static void RetireLater(LogDevice? device, AppendLog? log)
    {
        if (device is null && log is null) return;
        _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ =>
        {
            log?.Dispose();
            device?.Owner.Dispose();
        }, TaskScheduler.Default);
    }

    private void Finish(bool ok)
    {
        LastStatusOk = ok;
        LastDurationSeconds = (ServerClock.UnixMs - StartedUnixMs) / 1000;
        if (ok)
        {
            Rewrites++;
            ConsecutiveFailures = 0;
        }
        else
        {
            ConsecutiveFailures++;
        }
        InProgress = false;
    }

    /// <summary>
    /// Cron: rewrite when the log grew past auto-aof-rewrite-min-size and by auto-aof-rewrite-percentage
    /// since the last rewrite (Redis's rule), or when less than a quarter of the segment is left (ours:
    /// the segment is pre-written and bounded).
    /// </summary>
    public void MaybeRewrite()
    {
        if (InProgress || server.Durable is not { } durable || server.LogDirectory is null || server.Snapshots.InProgress) return;
        if (Scheduled)
        {
            // Cleared only once started: INFO never shows a scheduled rewrite as neither scheduled nor running.
            if (TryStart()) Scheduled = false;
            return;
        }
        if (ConsecutiveFailures > 0 && ServerClock.UnixMs - StartedUnixMs < 5000 * Math.Min(ConsecutiveFailures, 12)) return;
        var log = durable.Log;
        long size = log.EndOffset;
        long capacity = log.Device.Capacity;
        var o = server.Options;
        bool bySize = o.AutoAofRewritePercentage > 0 && size >= o.AutoAofRewriteMinSize
            && size - SizeAtLastRewrite >= Math.Max(SizeAtLastRewrite, BaseBytes) * o.AutoAofRewritePercentage / 100;
        bool bySpace = capacity - size < capacity / 4;
        if ((bySize || bySpace) && TryStart())
            server.Log.LogInformation("Starting automatic rewriting of AOF on {Percent}% growth ({Size} bytes of log{Space})",
                o.AutoAofRewritePercentage, size, bySpace ? ", less than a quarter of the segment left" : "");
    }
}
