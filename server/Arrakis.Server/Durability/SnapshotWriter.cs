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

    public bool InProgress => Volatile.Read(ref _running) != 0;

    /// <summary>BGSAVE SCHEDULE while one runs: another starts when it ends.</summary>
    public bool Scheduled { get; set; }

    public long LastSaveUnixSeconds { get; private set; } = server.StartUnixMs / 1000;
    public bool LastStatusOk { get; private set; } = true;
    public long Saves { get; private set; }
    public long LastDurationSeconds { get; private set; } = -1;
    public long StartedUnixMs { get; private set; }
    public long LastKeys { get; private set; }

    /// <summary>Bytes the last snapshot wrote.</summary>
    public long LastBytes { get; private set; }

    public string Path => System.IO.Path.Combine(server.Options.Dir, server.Options.DbFilename);

    /// <summary>Starts a background save; false when one is already running.</summary>
    public bool TryStartBackground()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return false;
        var snapshot = Begin();
        var thread = new Thread(() => Finish(snapshot)) { IsBackground = true, Name = "arrakis-bgsave" };
        thread.Start();
        return true;
    }

    /// <summary>Saves now on the calling thread; null when done, else the error. Fails when a save is running.</summary>
    public string? SaveNow()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return "ERR Background save already in progress";
        return Finish(Begin()) ? null : "ERR";
    }

    private Snapshot Begin()
    {
        StartedUnixMs = ServerClock.UnixMs;
        return Snapshot.Begin(server.Keyspace, () => server.Durable?.LastLsn ?? 0);
    }

    private bool Finish(Snapshot snapshot)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        string temp = System.IO.Path.Combine(server.Options.Dir, $"temp-{Environment.ProcessId}.rdb");
        bool ok = false;
        long dirtyAtStart = server.Sum(t => t.Dirty);
        try
        {
            // The keyspace goes on serving: stripes are captured here or by the first command that takes them.
            var capture = new Thread(() => snapshot.CaptureRemaining(server.Keyspace)) { IsBackground = true, Name = "arrakis-snapshot" };
            capture.Start();
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var writer = new RdbWriter(file, compress: true);
                writer.WriteHeader(RdbWriter.DefaultAux(Commands.Connection.ConnectionCommands.RedisVersion, StartedUnixMs / 1000, GC.GetTotalMemory(false)));
                for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++) writer.WriteRaw(snapshot.TakePart());
                writer.Finish();
                file.Flush(flushToDisk: true);
                LastBytes = file.Length;
            }
            capture.Join();
            File.Move(temp, Path, overwrite: true);
            int synced = server.SyncDirectory(server.Options.Dir);
            if (synced < 0) throw new IOException($"fsync of {server.Options.Dir} failed (errno {-synced})");
            ok = true;
            LastKeys = snapshot.Keys;
            LastSaveUnixSeconds = ServerClock.UnixMs / 1000;
            server.DirtyAtLastSave = dirtyAtStart;
            Saves++;
            server.Log.LogInformation("DB saved on disk: {Path}, {Keys} keys, {Bytes} bytes in {Ms} ms", Path, snapshot.Keys, LastBytes, started.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            server.Log.LogError("Failed saving the DB to {Path}: {Error}", Path, e.Message);
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }
        }
        finally
        {
            server.Keyspace.Snapshot = null;
            LastStatusOk = ok;
            LastDurationSeconds = (long)started.Elapsed.TotalSeconds;
            Volatile.Write(ref _running, 0);
        }
        if (Scheduled)
        {
            Scheduled = false;
            TryStartBackground();
        }
        return ok;
    }
}
