using Arrakis.Persistence.Rdb;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Durability;

/// <summary>
/// SAVE and BGSAVE: one snapshot at a time, written as an RDB file (version 10, what Redis 7.0
/// writes) to a temporary file in <c>dir</c>, fsynced, renamed over <c>dbfilename</c>, the directory
/// fsynced. BGSAVE runs on its own thread; SAVE runs the same on the caller's.
/// </summary>
internal sealed class SnapshotWriter(ServerState server)
{
    private int _running;

    /// <summary>The snapshot slot is taken: a SAVE, a BGSAVE or a BGREWRITEAOF runs.</summary>
    public bool InProgress => Volatile.Read(ref _running) != 0;

    /// <summary>A BGSAVE runs (INFO's rdb_bgsave_in_progress; a rewrite holds the slot without it).</summary>
    public bool BackgroundSaveInProgress => Volatile.Read(ref _background);

    private bool _background;

    /// <summary>BGSAVE SCHEDULE while the slot is taken, or BGSAVE inside EXEC: the cron starts one when the slot is free.</summary>
    public bool Scheduled { get; set; }

    public long LastSaveUnixSeconds { get; private set; } = server.StartUnixMs / 1000;
    public bool LastStatusOk { get; private set; } = true;
    public long Saves { get; private set; }
    public long LastDurationSeconds { get; private set; } = -1;
    public long StartedUnixMs { get; private set; }

    /// <summary>Background snapshots begun (BGSAVE, scheduled saves, log rewrites): INFO's total_forks, as each is a fork in Redis.</summary>
    public long TotalForks => Volatile.Read(ref _totalForks);

    /// <summary>How long the last background snapshot's beginning held every stripe, in microseconds (INFO's
    /// latest_fork_usec: writers wait that long, as Redis's clients wait for its fork).</summary>
    public long LatestForkMicros => Volatile.Read(ref _latestForkMicros);

    private long _totalForks, _latestForkMicros;

    /// <summary>The background snapshot being written (BGSAVE, scheduled save or rewrite), for INFO's current_save_keys_* and current_fork_perc.</summary>
    public Snapshot? Current => Volatile.Read(ref _current);

    private Snapshot? _current;

    public string Path => System.IO.Path.Combine(server.Options.Dir, server.Options.DbFilename);

    /// <summary>Cron: a BGSAVE when a save point is reached (Redis's serverCron rule; after a failed save, not before 5 s).</summary>
    public void MaybeSaveOnSchedule()
    {
        if (InProgress) return;
        if (Scheduled)
        {
            if (TryStartBackground()) Scheduled = false;
            return;
        }
        var points = server.Options.SavePoints;
        if (points.Length == 0) return;
        long now = ServerClock.UnixMs / 1000;
        long changes = server.Sum(t => t.Dirty) - server.DirtyAtLastSave;
        if (!LastStatusOk && now - _lastAttemptSeconds < 5) return;
        foreach (var (seconds, needed) in points)
        {
            if (changes >= needed && now - LastSaveUnixSeconds > seconds)
            {
                _lastAttemptSeconds = now;
                if (TryStartBackground())
                    server.Log.LogInformation("{Changes} changes in {Seconds} seconds. Saving...", needed, seconds);
                return;
            }
        }
    }

    private long _lastAttemptSeconds;

    /// <summary>
    /// Starts a background save; false when one (or a rewrite) is already running. The snapshot begins on the save's
    /// own thread once the memory for its captures is ready (<see cref="Reserve"/>), then <paramref name="begun"/>
    /// runs there, with false when the snapshot could not begin: BGSAVE answers its client from it, so the client's
    /// next command comes after the point the snapshot is of, as after Redis's fork.
    /// </summary>
    public bool TryStartBackground(Action<bool>? begun = null)
    {
        if (!TryAcquire()) return false;
        Volatile.Write(ref _background, true);
        StartedUnixMs = ServerClock.UnixMs;
        var thread = new Thread(() =>
        {
            try
            {
                Snapshot snapshot;
                try
                {
                    server.BackgroundThreadStart?.Invoke(BackgroundWork.Save);
                    snapshot = Begin(() => server.Durable?.LastLsn ?? 0, Reserve());
                }
                catch
                {
                    LastStatusOk = false;
                    Release();
                    begun?.Invoke(false);
                    throw;
                }
                begun?.Invoke(true);
                SaveAndRelease(snapshot);
            }
            catch (Exception e)
            {
                server.Log.LogError(e, "Background save failed");
            }
        }) { IsBackground = true, Name = "arrakis-bgsave" };
        try
        {
            thread.Start();
        }
        catch
        {
            Release();
            throw;
        }
        return true;
    }

    /// <summary>Memory for a snapshot's captures, made ready before it begins (<see cref="Snapshot.Reserve"/>; the
    /// background thread), or null when there is not enough: the captures then allocate as they go.</summary>
    public Arrakis.IoBypass.Memory.OffHeapBuffer?[]? Reserve()
    {
        try
        {
            return Snapshot.Reserve(server.Keyspace, server.OffHeap);
        }
        catch (OutOfMemoryException)
        {
            server.Log.LogWarning("No memory to reserve for the snapshot's copies ahead: they are allocated as stripes are captured");
            return null;
        }
    }

    /// <summary>Saves now on the calling thread; null when done, else the error. Fails when a save is running.</summary>
    public string? SaveNow()
    {
        if (!TryAcquire()) return "ERR Background save already in progress";
        return SaveAndRelease(Begin(() => server.Durable?.LastLsn ?? 0, background: false)) ? null : "ERR";
    }

    /// <summary>One snapshot at a time (SAVE, BGSAVE, BGREWRITEAOF share the keyspace's snapshot slot).</summary>
    public bool TryAcquire() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

    public void Release()
    {
        server.Keyspace.Snapshot = null;
        Volatile.Write(ref _background, false);
        Volatile.Write(ref _current, null); // after: while rdb_bgsave_in_progress says 1, INFO finds the snapshot
        Volatile.Write(ref _running, 0); // a scheduled BGSAVE or rewrite starts at the next cron tick
    }

    public Snapshot Begin(Func<long> whileHeld, Arrakis.IoBypass.Memory.OffHeapBuffer?[]? reserves = null, bool background = true)
    {
        StartedUnixMs = ServerClock.UnixMs;
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var snapshot = Snapshot.Begin(server.Keyspace, whileHeld, server.OffHeap, reserves);
            if (background)
            {
                Volatile.Write(ref _latestForkMicros, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                Interlocked.Increment(ref _totalForks);
                Volatile.Write(ref _current, snapshot);
            }
            return snapshot;
        }
        catch
        {
            if (reserves is not null) Snapshot.Free(reserves);
            throw;
        }
    }

    private bool SaveAndRelease(Snapshot snapshot)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        long dirtyAtStart = server.Sum(t => t.Dirty);
        bool ok = false;
        try
        {
            ok = WriteFile(snapshot, Path, aofBase: false, out long bytes);
            if (ok)
            {
                LastSaveUnixSeconds = ServerClock.UnixMs / 1000;
                server.DirtyAtLastSave = dirtyAtStart;
                Saves++;
                server.Log.LogInformation("DB saved on disk: {Path}, {Keys} keys, {Bytes} bytes in {Ms} ms", Path, snapshot.Keys, bytes, started.ElapsedMilliseconds);
            }
        }
        finally
        {
            LastStatusOk = ok;
            LastDurationSeconds = (long)started.Elapsed.TotalSeconds;
            Release();
        }
        return ok;
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> as an RDB file at <paramref name="path"/>: a temporary file,
    /// fsynced, renamed, the directory fsynced. Captures the stripes no command captured. False on an I/O error (logged).
    /// </summary>
    public bool WriteFile(Snapshot snapshot, string path, bool aofBase, out long bytes)
    {
        bytes = 0;
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string temp = System.IO.Path.Combine(directory, $"temp-{Environment.ProcessId}-{Environment.TickCount64}.rdb");
        try
        {
            // The keyspace goes on serving: stripes are captured here or by the first command that takes them.
            var capture = new Thread(() =>
            {
                server.BackgroundThreadStart?.Invoke(aofBase ? BackgroundWork.AofRewrite : BackgroundWork.Save);
                snapshot.CaptureRemaining(server.Keyspace);
            }) { IsBackground = true, Name = "arrakis-snapshot" };
            capture.Start();
            try
            {
                using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                var writer = new RdbWriter(new IncrementalSyncStream(file), compress: true);
                writer.WriteHeader(RdbWriter.DefaultAux(Commands.Connection.ConnectionCommands.RedisVersion, StartedUnixMs / 1000, GC.GetTotalMemory(false), aofBase));
                foreach (var code in server.Functions.Codes()) writer.WriteFunction(code); // after the AUX fields, as Redis 7.0
                for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++) snapshot.WriteNextPart(writer);
                writer.Finish();
                file.Flush(flushToDisk: true);
                bytes = file.Length;
            }
            finally
            {
                capture.Join();
                snapshot.DiscardParts(); // what a failed write left
            }
            if (snapshot.Failure is { } failure) throw new IOException(failure);
            File.Move(temp, path, overwrite: true);
            int synced = server.SyncDirectory(directory);
            if (synced < 0) throw new IOException($"fsync of {directory} failed (errno {-synced})");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            server.Log.LogError("Failed writing the snapshot {Path}: {Error}", path, e.Message);
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }
            return false;
        }
    }
}
