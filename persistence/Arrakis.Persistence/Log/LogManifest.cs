using System.Globalization;
using System.Text;

namespace Arrakis.Persistence.Log;

/// <summary>
/// The manifest of the append-only directory, in the line format of Redis 7's multi-part AOF
/// manifest (<c>file NAME seq N type b|i</c>, then our own keys): an optional base snapshot (an RDB
/// file, type b) and the incremental log segments (type i) in LSN order, each with where on its file
/// (or device) the log starts and the first LSN there. Records before the first segment's start LSN
/// are in the base. Written to a temporary file, fsynced, renamed over the old one, and the directory
/// fsynced.
/// </summary>
public sealed record LogManifest(string? BaseFile, long BaseSeq, IReadOnlyList<LogSegment> Segments)
{
    public const string Format = "arrakis-log-v1";

    /// <summary>A manifest with one segment and no base.</summary>
    public LogManifest(string logFile, long seq, long startOffset, long startLsn)
        : this(null, 0, [new LogSegment(logFile, seq, startOffset, startLsn)])
    {
    }

    /// <summary>The segment new records are appended to.</summary>
    public LogSegment Last => Segments[^1];

    public string Render()
    {
        var sb = new StringBuilder("# Arrakis append-only manifest: do not edit while the server runs\n");
        if (BaseFile is not null) sb.Append($"file {Quote(BaseFile)} seq {BaseSeq} type b\n");
        foreach (var s in Segments)
        {
            sb.Append($"file {Quote(s.File)} seq {s.Seq} type i format {Format} start-offset {s.StartOffset} start-lsn {s.StartLsn}");
            sb.Append(s.RegionEnd >= 0 ? $" region-end {s.RegionEnd}\n" : "\n");
        }
        return sb.ToString();
    }

    /// <summary>Parses a manifest; null with <paramref name="error"/> for anything malformed (never throws).</summary>
    public static LogManifest? Parse(string text, out string? error)
    {
        error = null;
        string? baseFile = null;
        long baseSeq = 0;
        var segments = new List<LogSegment>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var f = Split(line);
            if (f is null || f.Count % 2 != 0)
            {
                error = $"line {lineNo}: malformed";
                return null;
            }
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < f.Count; i += 2) map[f[i]] = f[i + 1];
            if (!map.TryGetValue("file", out var file) || file.Length == 0 || !map.TryGetValue("type", out var type) || !Long(map, "seq", out long seq))
            {
                error = $"line {lineNo}: needs file, seq and type";
                return null;
            }
            if (type == "b")
            {
                if (baseFile is not null || segments.Count > 0)
                {
                    error = $"line {lineNo}: one base, before the incremental files";
                    return null;
                }
                baseFile = file;
                baseSeq = seq;
                continue;
            }
            if (type != "i")
            {
                error = $"line {lineNo}: unknown type '{type}'";
                return null;
            }
            if (!map.TryGetValue("format", out var format) || format != Format)
            {
                error = $"line {lineNo}: incremental file '{file}' is not in format {Format}";
                return null;
            }
            if (!Long(map, "start-offset", out long offset) || !Long(map, "start-lsn", out long lsn) || lsn < 1)
            {
                error = $"line {lineNo}: start-offset and start-lsn must be numbers (start-lsn at least 1)";
                return null;
            }
            long regionEnd = -1;
            if (map.ContainsKey("region-end") && (!Long(map, "region-end", out regionEnd) || regionEnd < offset))
            {
                error = $"line {lineNo}: region-end must be a number not before start-offset";
                return null;
            }
            // Equal start LSNs are allowed: a rewrite may seal a segment that holds no record yet (startup then
            // checks that each sealed segment ends where the next one starts).
            if (segments.Count > 0 && lsn < segments[^1].StartLsn)
            {
                error = $"line {lineNo}: segments must be in LSN order";
                return null;
            }
            segments.Add(new LogSegment(file, seq, offset, lsn, regionEnd));
        }
        if (segments.Count == 0)
        {
            error = "no incremental log named";
            return null;
        }
        return new LogManifest(baseFile, baseSeq, segments);
    }

    private static bool Long(Dictionary<string, string> map, string key, out long value)
    {
        value = 0;
        return map.TryGetValue(key, out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string Quote(string s) => s.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c))
        ? "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""
        : s;

    private static List<string>? Split(string line)
    {
        var result = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ') i++;
            if (i >= line.Length) break;
            var sb = new StringBuilder();
            if (line[i] == '"')
            {
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length) i++;
                    sb.Append(line[i++]);
                }
                if (i >= line.Length) return null;
                i++;
            }
            else
            {
                while (i < line.Length && line[i] != ' ') sb.Append(line[i++]);
            }
            result.Add(sb.ToString());
        }
        return result;
    }

    /// <summary>Reads the manifest at <paramref name="path"/>: (null, null) when there is none.</summary>
    public static LogManifest? Load(string path, out string? error)
    {
        error = null;
        if (!File.Exists(path)) return null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return null;
        }
        return Parse(text, out error);
    }

    /// <summary>
    /// Writes the manifest atomically and durably: a temporary file, fsynced, renamed over the old one,
    /// then <paramref name="syncDirectory"/> (fsync of the directory: 0 or -errno) so the rename survives a crash.
    /// Returns 0 or -errno; <paramref name="replaced"/> says whether the rename happened (a failure after it leaves
    /// the new manifest in place, maybe not yet durable: which one a crash would leave is unknown).
    /// </summary>
    public int Save(string path, Func<string, int> syncDirectory, out bool replaced)
    {
        replaced = false;
        string temp = path + ".tmp";
        try
        {
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                fs.Write(Encoding.UTF8.GetBytes(Render()));
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            replaced = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -5;
        }
        return syncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
