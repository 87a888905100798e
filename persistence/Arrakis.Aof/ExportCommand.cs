using System.Text;

namespace Arrakis.Aof;

/// <summary>
/// <c>arrakis-aof export</c>: writes a Redis 7.0 multi-part AOF directory
/// (<c>OUT/appendonlydir/</c>: a copy of the base RDB, the records as a RESP incremental file, and
/// Redis's manifest) that redis-server 7.0 loads with <c>--appendonly yes</c>. Only valid data is
/// exported: damage refuses (exit 2); a torn tail (never durable) is left out, saying so.
/// </summary>
internal static class ExportCommand
{
    public const string DirName = "appendonlydir";
    public const string BaseName = "appendonly.aof.1.base.rdb";
    public const string IncrName = "appendonly.aof.1.incr.aof";
    public const string ManifestName = "appendonly.aof.manifest";

    /// <summary>The newest RDB version Redis 7.0 loads.</summary>
    public const int MaxRedis70RdbVersion = 10;

    public static int Run(AofDirectory dir, string outDir, TextWriter output)
    {
        var check = DirectoryCheck.Run(dir);
        check.Print(output);
        if (check.Verdict == Verdict.Damaged)
        {
            output.WriteLine("refusing to export: the directory is damaged (see above)");
            return (int)Verdict.Damaged;
        }
        if (check.Segments.Any(s => s.UnknownCommands.Count > 0))
        {
            output.WriteLine("refusing to export: the log holds commands Redis 7.0 does not have (see above)");
            return (int)Verdict.Damaged;
        }
        if (check.Base is { Version: > MaxRedis70RdbVersion } b)
        {
            output.WriteLine($"refusing to export: the base is RDB version {b.Version}; Redis 7.0 loads up to {MaxRedis70RdbVersion}");
            return (int)Verdict.Damaged;
        }
        string target = Path.Combine(outDir, DirName);
        try
        {
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                output.WriteLine($"refusing to export: {target} is not empty");
                return ExitCodes.Usage;
            }
            Directory.CreateDirectory(target);
            var manifest = new StringBuilder();
            if (check.Base is { } baseReport)
            {
                File.Copy(baseReport.Path, Path.Combine(target, BaseName));
                manifest.Append($"file {BaseName} seq 1 type b\n");
            }
            RespAofWriter writer;
            using (var incr = new FileStream(Path.Combine(target, IncrName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writer = new RespAofWriter(incr);
                foreach (var expected in check.Segments)
                {
                    var again = SegmentScanner.Scan(dir, expected.Segment, writer.Write);
                    if (again.Read?.NextLsn != expected.Read!.NextLsn)
                    {
                        output.WriteLine($"export failed: {expected.Path} changed while it was read (is a server running on it?)");
                        return (int)Verdict.Damaged;
                    }
                }
                incr.Flush(flushToDisk: true);
            }
            manifest.Append($"file {IncrName} seq 1 type i\n");
            using (var m = new FileStream(Path.Combine(target, ManifestName), FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                m.Write(Encoding.ASCII.GetBytes(manifest.ToString()));
                m.Flush(flushToDisk: true);
            }
            output.WriteLine($"exported to {target}: {(check.Base is null ? "no base" : BaseName)}, {IncrName} with {writer.Records} records ({writer.Commands} commands), {ManifestName}");
            if (check.TornSegment is { } torn)
                output.WriteLine($"not exported: the torn tail of {torn.Segment.File} ({torn.Read!.DamagedBytes} bytes at offset {torn.Read.EndOffset}, never durable)");
            output.WriteLine($"load it with: redis-server --dir {outDir} --appendonly yes --appenddirname {DirName} --appendfilename appendonly.aof");
            return (int)Verdict.Valid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            output.WriteLine($"export failed: {e.Message}");
            return (int)Verdict.Damaged;
        }
    }
}
