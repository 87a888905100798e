using System.Text;
using Arrakis.Persistence.Log;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>
/// Writes an append-only directory without a server: a base RDB (<see cref="RdbWriter"/>), segments
/// written by <see cref="AppendLog"/> on the tool's file-backed queue pair, and the manifest.
/// </summary>
internal sealed class LogDirectoryBuilder(string directory)
{
    public const int SegmentBytes = 64 * 1024;
    private readonly List<LogSegment> _segments = [];
    private string? _base;

    public string Directory { get; } = directory;

    public LogDirectoryBuilder Base(string file, params (string Key, string Value)[] keys)
    {
        using var fs = File.Create(Path.Combine(Directory, file));
        var w = new RdbWriter(fs);
        w.WriteHeader(RdbWriter.DefaultAux("7.0.15", 0, 0, aofBase: true));
        w.SelectDb(0, keys.Length, 0);
        foreach (var (k, v) in keys) w.WriteEntry(Encoding.UTF8.GetBytes(k), RdbValue.FromString(Encoding.UTF8.GetBytes(v)));
        w.Finish();
        _base = file;
        return this;
    }

    /// <summary>A segment file whose log starts at <paramref name="startOffset"/> with LSN <paramref name="startLsn"/>; each record is a list of (db, args).</summary>
    public LogDirectoryBuilder Segment(string file, long seq, long startOffset, long startLsn, params (int Db, string[] Args)[][] records)
    {
        string path = Path.Combine(Directory, file);
        File.WriteAllBytes(path, new byte[SegmentBytes]);
        using (var device = FileQueuePair.Open(path, writable: true, out string? error) ?? throw new IOException(error))
        {
            var log = new AppendLog(device, startOffset, startLsn, FsyncPolicy.Always);
            foreach (var record in records)
            {
                var effects = new EffectBuffer();
                foreach (var (db, args) in record) effects.Add(db, args.Select(Encoding.UTF8.GetBytes).ToArray());
                if (log.Append(effects) < 0) throw new IOException("append failed");
                log.Pump(0);
            }
            if (log.Drain() < 0) throw new IOException("drain failed");
            log.Dispose();
        }
        _segments.Add(new LogSegment(file, seq, startOffset, startLsn));
        return this;
    }

    public string Save()
    {
        string manifest = Path.Combine(Directory, "appendonly.aof.manifest");
        File.WriteAllText(manifest, new LogManifest(_base, _base is null ? 0 : 1, _segments).Render());
        return Directory;
    }

    public static (int, string[])[] Set(string key, string value, int db = 0) => [(db, ["SET", key, value])];
}
