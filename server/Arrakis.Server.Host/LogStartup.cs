using Arrakis.IoBypass.Linux.Control;
using Arrakis.Persistence.Log;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Host;

/// <summary>
/// appendonly yes at startup: finds the append-only directory and its manifest (creating both on the
/// first start), has the control module claim the log's storage (a pre-written file in the directory,
/// or --aof-device), recovers the keyspace from the log and keeps appending to it.
/// </summary>
/// <remarks>Startup path; failures are <see cref="InvalidOperationException"/>s with a message for the operator.</remarks>
internal static class LogStartup
{
    public static (ClaimedStorage Storage, LogRecoveryReport Recovery) Open(ArrakisServer server, ServerOptions options)
    {
        string directory = Path.Combine(options.Dir, options.AppendDirname);
        Directory.CreateDirectory(directory);
        string manifestPath = Path.Combine(directory, options.AppendFilename + ".manifest");
        var manifest = LogManifest.Load(manifestPath, out string? error);
        if (error is not null) throw new InvalidOperationException($"Bad manifest {manifestPath}: {error}");
        bool created = manifest is null;
        manifest ??= new LogManifest(options.AofDevice.Length > 0 ? Path.GetFullPath(options.AofDevice) : options.AppendFilename + ".1.incr.arkl", 1, 0, 1);
        string logPath = Path.IsPathRooted(manifest.LogFile) ? manifest.LogFile : Path.Combine(directory, manifest.LogFile);
        if (options.AofDevice.Length > 0 && Path.GetFullPath(options.AofDevice) != logPath)
            throw new InvalidOperationException($"--aof-device {options.AofDevice} differs from the log the manifest {manifestPath} names ({logPath}); move or remove the manifest to start a new log");
        if (!created && !File.Exists(logPath))
            throw new InvalidOperationException($"The manifest {manifestPath} names the log {logPath}, which does not exist");

        var storage = StorageClaim.Claim(new StorageOptions(logPath)
        {
            Io = options.AofIo switch { "uring" => StorageIo.Uring, "sync" => StorageIo.Sync, _ => StorageIo.Auto },
            NewFileCapacity = options.AofLogSize,
            // appendfsync always writes each frame with RWF_DSYNC (durable when it completes, one kernel
            // round trip): measured here at ~1.0x the disk's own pwrite+fdatasync rate, against ~0.8x for
            // a write followed by a linked fdatasync. Never combined with SQPOLL (the claim refuses it).
            DsyncWrites = true,
        });
        try
        {
            if (created)
            {
                int rc = manifest.Save(manifestPath, StorageClaim.SyncDirectory);
                if (rc < 0) throw new InvalidOperationException($"Can't write the manifest {manifestPath} (errno {-rc})");
            }
            var report = server.OpenLog(storage.QueuePair, storage.Report,
                new LogOpenOptions(options.AppendFsync, manifest.StartOffset, manifest.StartLsn, LoadTruncated: options.AofLoadTruncated, LoadCorrupt: options.AofLoadCorrupt));
            return (storage, report);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }
}
