using Arrakis.Persistence.Log;
using Arrakis.Server.Configuration;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Durability;

/// <summary>
/// appendonly yes at startup: finds the append-only directory and its manifest (creating both on the
/// first start), loads the base snapshot if the manifest names one, has the control module claim each
/// segment (pre-written files in the directory, or --aof-device for the first), replays them in order
/// and keeps appending to the last.
/// </summary>
/// <remarks>Startup path; failures are <see cref="InvalidOperationException"/>s with a message for the operator.</remarks>
internal static class LogStartup
{
    public static (LogDevice Storage, string Recovery) Open(ArrakisServer server, ServerOptions options, ILogStorage storage)
    {
        string directory = Path.Combine(options.Dir, options.AppendDirname);
        Directory.CreateDirectory(directory);
        string manifestPath = Path.Combine(directory, options.AppendFilename + ".manifest");
        var manifest = LogManifest.Load(manifestPath, out string? error);
        if (error is not null) throw new InvalidOperationException($"Bad manifest {manifestPath}: {error}");
        var dir = new LogDirectory(directory, manifestPath, storage);
        bool created = manifest is null;
        manifest ??= new LogManifest(options.AofDevice.Length > 0 ? Path.GetFullPath(options.AofDevice) : options.AppendFilename + ".1.incr.arkl", 1, 0, 1);
        if (options.AofDevice.Length > 0 && !manifest.Segments.Any(s => dir.PathOf(s.File) == Path.GetFullPath(options.AofDevice)))
            throw new InvalidOperationException($"--aof-device {options.AofDevice} is not a log the manifest {manifestPath} names; move or remove the manifest to start a new log");
        var lines = new List<string>();
        if (manifest.BaseFile is { } baseFile)
        {
            string basePath = dir.PathOf(baseFile);
            if (!File.Exists(basePath)) throw new InvalidOperationException($"The manifest {manifestPath} names the base {basePath}, which does not exist");
            lines.Add(server.LoadBase(basePath));
        }
        LogDevice? current = null;
        for (int i = 0; i < manifest.Segments.Count; i++)
        {
            var segment = manifest.Segments[i];
            string path = dir.PathOf(segment.File);
            if (!created && !dir.Storage.Exists(path)) throw new InvalidOperationException($"The manifest {manifestPath} names the log {path}, which does not exist");
            var device = dir.Storage.Open(path, options.AofLogSize);
            bool last = i == manifest.Segments.Count - 1;
            try
            {
                if (created)
                {
                    if (options.AofDevice.Length > 0)
                    {
                        // A new log on a device: it starts in the first half (rewrites alternate between the
                        // halves), zeroed, so nothing a device held before reads as log.
                        segment = segment with { RegionEnd = NewDeviceRegion(dir, path, device) };
                        manifest = manifest with { Segments = [segment] };
                        lines.Add($"new log on {path}: zeroed its first half ({segment.RegionEnd >> 20} MiB)");
                    }
                    dir.Commit(manifest);
                    created = false;
                }
                var report = server.OpenLog(device.QueuePair, device.Report,
                    new LogOpenOptions(options.AppendFsync, segment.StartOffset, segment.StartLsn, segment.RegionEnd,
                        LoadTruncated: options.AofLoadTruncated, LoadCorrupt: options.AofLoadCorrupt),
                    appendHere: last);
                if (!last && report.NextLsn != manifest.Segments[i + 1].StartLsn)
                    throw new InvalidOperationException($"The sealed segment {path} ends before LSN {report.NextLsn}, but the next segment starts at LSN {manifest.Segments[i + 1].StartLsn}");
                lines.Add($"{segment.File}: {report.Describe()}");
            }
            catch
            {
                device.Owner.Dispose();
                throw;
            }
            if (last) current = device;
            else device.Owner.Dispose();
        }
        dir.Manifest = manifest;
        dir.Current = current;
        server.State.LogDirectory = dir;
        return (current!, string.Join("; ", lines));
    }

    /// <summary>The smallest half of a log device: a rewrite starts when a quarter of a segment's region is left,
    /// and that must still hold a segment that continues in the same half (<see cref="LogRewriter.MinDeviceRegion"/>).</summary>
    public const long MinDeviceHalf = 32L << 20;

    private static long NewDeviceRegion(LogDirectory dir, string path, LogDevice device)
    {
        long half = LogDirectory.DeviceHalf(device.QueuePair);
        if (half < MinDeviceHalf)
            throw new InvalidOperationException($"--aof-device {path} holds {device.QueuePair.Capacity} bytes: too small for a log (at least {2 * MinDeviceHalf >> 20} MiB: the log takes turns in its two halves)");
        // A log's first frame lies at the start of a half. One there without a manifest naming the device is
        // most likely a log whose manifest is elsewhere (another --dir): never zero it unasked.
        var reader = new LogReader(device.QueuePair, chunkBytes: 4096);
        foreach (long at in (long[])[0, half])
        {
            if (reader.HoldsFrameAt(at))
                throw new InvalidOperationException($"--aof-device {path} holds an Arrakis log (a frame at offset {at}), but no manifest at {dir.ManifestPath} names it. " +
                    "Start with the --dir whose manifest names it, or zero the device (blkdiscard -z, or a new file) to start a new log there.");
        }
        int rc = dir.Storage.ZeroRange(path, 0, half);
        if (rc < 0) throw new InvalidOperationException($"Can't zero the first half of --aof-device {path} for a new log: {Arrakis.IoBypass.Block.BlockErrno.Describe(rc)}");
        return half;
    }
}
