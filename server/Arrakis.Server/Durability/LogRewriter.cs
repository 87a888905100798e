using Arrakis.Persistence.Log;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Durability;

/// <summary>
/// BGREWRITEAOF and the automatic rewrite: compacts the log into a new base snapshot, as Redis 7's
/// multi-part AOF does, without stopping the world.
/// <list type="number">
/// <item>A new segment file is claimed and pre-written (before anything else: it takes seconds); on an
/// --aof-device, the half of the device the current segment is not in is zeroed instead.</item>
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
        string baseFile = $"{name}.{seq}.base.rdb";
        // On a device (--aof-device: an absolute path) segments take turns in its two halves, on the one queue
        // pair the device was claimed with; elsewhere each segment is a new pre-written file with its own.
        bool onDevice = Path.IsPathRooted(old.Last.File) && dir.Current is not null;
        var next = onDevice ? PrepareDeviceRegion(dir, old) : NewSegmentFile(dir, $"{name}.{seq}.incr.arkl");
        if (next.Error is not null)
        {
            server.Log.LogError("Background AOF rewrite: can't claim the new segment: {Error}", next.Error);
            ReleaseSlot();
            Finish(false);
            return;
        }
        var device = next.Device!;
        var segment = new LogSegment(next.File, seq, next.Start, 0, next.End);
        string? failure = null;
        AppendLog? retiredLog = null;
        var reserves = server.Snapshots.Reserve();
        var snapshot = server.Snapshots.Begin(() =>
        {
            // Every stripe and the switch lock are held: nothing appends. Drain, switch segments, name both in the manifest.
            lock (durable.SwitchLock) return Switch();
        }, reserves);

        long Switch()
        {
            var current = durable.Log;
            int drained = current.Drain();
            if (drained < 0)
            {
                failure = $"the current segment could not be made durable ({Arrakis.IoBypass.Block.BlockErrno.Describe(drained)})";
                return current.LastLsn;
            }
            long lsn = current.LastLsn;
            var listed = old.Segments;
            if (onDevice && segment.StartOffset < 0)
            {
                // Continues in the current half, right after the current segment, which now ends there.
                long start = LogDirectory.AlignUp(current.EndOffset, device.QueuePair);
                if (segment.RegionEnd - start < MinDeviceRegion)
                {
                    failure = $"both halves of {segment.File} hold segments the manifest lists (a rewrite was interrupted), and the current half has {segment.RegionEnd - start} bytes left";
                    return lsn;
                }
                listed = [.. old.Segments.SkipLast(1), old.Last with { RegionEnd = start }];
                segment = segment with { StartOffset = start };
            }
            segment = segment with { StartLsn = lsn + 1 };
            try
            {
                dir.Commit(old with { Segments = [.. listed, segment] });
            }
            catch (LogDirectory.ManifestUncertainException e)
            {
                // A crash may leave either manifest, and they disagree on where the log goes next: append no
                // more (everything so far is durable in the current segment, which both describe alike).
                failure = e.Message;
                current.FailWith(5);
                return lsn;
            }
            catch (IOException e)
            {
                failure = e.Message;
                return lsn;
            }
            if (onDevice)
            {
                // The same queue pair: the old log lets go of it (pumps return at once) and its buffers go back
                // before the new one allocates its own (the queue pair's allocator is not thread-safe).
                current.Retire();
                current.Dispose();
                durable.Replace(new AppendLog(device.QueuePair, segment.StartOffset, lsn + 1, current.Policy, segment.RegionEnd, regionStart: segment.StartOffset), device.Report);
            }
            else
            {
                retiredLog = current;
                durable.Replace(new AppendLog(device.QueuePair, 0, lsn + 1, current.Policy), device.Report);
            }
            return lsn;
        }
        if (failure is not null)
        {
            server.Log.LogError("Background AOF rewrite: {Error}", failure);
            if (!onDevice) device.Owner.Dispose();
            ReleaseSlot();
            snapshot.DiscardParts(); // what commands captured before the slot was released
            Finish(false);
            return;
        }
        var retired = onDevice ? null : dir.Current;
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
                dir.Commit(new LogManifest(baseFile, seq, [segment with { StartLsn = snapshot.Lsn + 1 }]));
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
        server.Log.LogInformation("Background AOF rewrite finished: base {Base} ({Keys} keys, {Bytes} bytes) at LSN {Lsn}, log continues in {Segment} at offset {Offset}, in {Ms} ms",
            baseFile, snapshot.Keys, bytes, snapshot.Lsn, segment.File, segment.StartOffset, started.ElapsedMilliseconds);
        Finish(true);
    }

    /// <summary>Where the next segment goes: its file (or device), claimed device, region, or why it cannot be had.</summary>
    private readonly record struct NextSegment(string File, LogDevice? Device, long Start, long End, string? Error);

    /// <summary>A new segment file, claimed and pre-written (seconds, before anything else).</summary>
    private NextSegment NewSegmentFile(LogDirectory dir, string file)
    {
        try
        {
            return new(file, dir.Storage.Open(dir.PathOf(file), server.Options.AofLogSize), 0, -1, null);
        }
        catch (InvalidOperationException e)
        {
            return new(file, null, 0, -1, e.Message);
        }
    }

    /// <summary>A region of a log device smaller than this is not worth a segment (writes are refused within <see cref="DurableLog.ReserveBytes"/> of its end).</summary>
    internal const long MinDeviceRegion = 4 << 20;

    /// <summary>
    /// Where the next segment on the log device goes: the half the manifest lists no segment in, zeroed (so
    /// recovery finds zeros past the log's end there, as in a pre-written file); the other half stays intact
    /// until the new base is in the manifest and is zeroed in turn before the next rewrite uses it. When a
    /// rewrite was interrupted (the manifest lists segments in both halves), the new segment continues in the
    /// current half right after the current one (Start -1: settled at the switch, where the current one ends).
    /// </summary>
    private NextSegment PrepareDeviceRegion(LogDirectory dir, LogManifest manifest)
    {
        var current = manifest.Last;
        var queuePair = dir.Current!.QueuePair;
        long half = LogDirectory.DeviceHalf(queuePair);
        if (current.RegionEnd < 0 || current.RegionEnd > half && current.StartOffset < half)
            return new(current.File, null, 0, 0, $"the log on {current.File} spans the middle of the device (a log written before segments took turns in its halves)");
        bool inLower = current.StartOffset < half;
        var (start, end) = inLower ? (half, 2 * half) : (0, half);
        bool otherHalfListed = manifest.Segments.Any(s => s.File == current.File && s.StartOffset < end && (s.RegionEnd < 0 || s.RegionEnd > start));
        if (otherHalfListed) return new(current.File, dir.Current, -1, current.RegionEnd, null);
        int rc = dir.Storage.ZeroRange(current.File, start, end - start);
        if (rc < 0) return new(current.File, null, 0, 0, $"can't zero [{start}, {end}) of {current.File}: {Arrakis.IoBypass.Block.BlockErrno.Describe(rc)}");
        return new(current.File, dir.Current, start, end, null);
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
        long size = log.UsedBytes;
        long capacity = log.RegionEnd - log.RegionStart;
        var o = server.Options;
        bool bySize = o.AutoAofRewritePercentage > 0 && size >= o.AutoAofRewriteMinSize
            && size - SizeAtLastRewrite >= Math.Max(SizeAtLastRewrite, BaseBytes) * o.AutoAofRewritePercentage / 100;
        bool bySpace = capacity - size < capacity / 4;
        if ((bySize || bySpace) && TryStart())
            server.Log.LogInformation("Starting automatic rewriting of AOF on {Percent}% growth ({Size} bytes of log{Space})",
                o.AutoAofRewritePercentage, size, bySpace ? ", less than a quarter of the segment left" : "");
    }
}
