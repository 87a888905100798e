using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>
/// Verifies an append-only directory: the base RDB (every entry, the checksum) and every segment in
/// order (a sealed segment must read back clean and end exactly where the next one starts; the last
/// may end in a torn tail, which was never durable). Collects one line per finding. Never throws for
/// any content.
/// </summary>
internal sealed class DirectoryCheck
{
    private DirectoryCheck(AofDirectory dir) => Dir = dir;

    public AofDirectory Dir { get; }
    public BaseReport? Base { get; private set; }
    public List<SegmentReport> Segments { get; } = new();

    /// <summary>One line per problem (torn tail, corruption, missing file...).</summary>
    public List<string> Problems { get; } = new();

    public Verdict Verdict { get; private set; } = Verdict.Valid;

    /// <summary>The last segment when it ends in a torn tail.</summary>
    public SegmentReport? TornSegment { get; private set; }

    /// <summary>The first segment whose durable data is corrupt (Read.Status Corrupt).</summary>
    public SegmentReport? CorruptSegment { get; private set; }

    public long Records => Segments.Sum(s => s.Read?.Records ?? 0);

    public static DirectoryCheck Run(AofDirectory dir)
    {
        var check = new DirectoryCheck(dir);
        var m = dir.Manifest;
        if (m.BaseFile is { } baseFile)
        {
            check.Base = BaseScanner.Scan(baseFile, dir.PathOf(baseFile));
            if (!check.Base.Valid) check.Damage($"base {baseFile}: {check.Base.Error}");
        }
        for (int i = 0; i < m.Segments.Count; i++)
        {
            var report = SegmentScanner.Scan(dir, m.Segments[i]);
            check.Segments.Add(report);
            check.Judge(report, i == m.Segments.Count - 1 ? null : m.Segments[i + 1]);
        }
        return check;
    }

    private void Judge(SegmentReport s, LogSegment? next)
    {
        var r = s.Read;
        string file = s.Segment.File;
        if (r is null)
        {
            Damage($"segment {file}: {s.OpenError}");
            return;
        }
        if (s.FileBytes % FileQueuePair.Block != 0 || s.FileBytes == 0)
            Damage($"segment {file}: {s.FileBytes} bytes, not a positive multiple of {FileQueuePair.Block} (the server pre-writes whole blocks): the file was truncated");
        switch (r.Status)
        {
            case LogReadStatus.DeviceError:
                Damage($"segment {file}: read error at offset {r.EndOffset} (LSN {r.NextLsn}): {r.Message}");
                return;
            case LogReadStatus.Corrupt:
                CorruptSegment ??= s;
                Damage($"segment {file}: CORRUPT at offset {r.EndOffset}, LSN {r.NextLsn} (durable data is unreadable): {r.Message}");
                return;
            case LogReadStatus.TornTail when next is null:
                TornSegment = s;
                Problems.Add($"segment {file}: torn tail (never durable), {r.DamagedBytes} bytes at offset {r.EndOffset}, LSN {r.NextLsn}");
                if (Verdict == Verdict.Valid) Verdict = Verdict.TornTail;
                return;
            case LogReadStatus.TornTail:
                CorruptSegment ??= s;
                Damage($"segment {file}: the sealed segment ends in a damaged frame at offset {r.EndOffset}, LSN {r.NextLsn} (a sealed segment must read back clean): {r.Message}");
                return;
        }
        if (next is not null && r.NextLsn != next.StartLsn)
            Damage($"segment {file}: ends before LSN {r.NextLsn} (offset {r.EndOffset}), but the next segment {next.File} starts at LSN {next.StartLsn}");
    }

    private void Damage(string line)
    {
        Problems.Add(line);
        Verdict = Verdict.Damaged;
    }

    /// <summary>Prints the report: the manifest, the base, each segment, the problems and the result.</summary>
    public void Print(TextWriter w)
    {
        var m = Dir.Manifest;
        w.WriteLine($"manifest {Dir.ManifestPath}: {(m.BaseFile is null ? "no base" : $"base {m.BaseFile}")}, {m.Segments.Count} segment(s)");
        if (Base is not null) w.WriteLine(Base.Describe());
        foreach (var s in Segments) w.WriteLine(s.Describe());
        var unknown = Segments.SelectMany(s => s.UnknownCommands).GroupBy(p => p.Key).Select(g => $"{g.Key} x{g.Sum(p => p.Value)}").ToList();
        w.WriteLine(unknown.Count == 0
            ? "every logged command exists in Redis 7.0"
            : $"commands Redis 7.0 does not have (export would fail): {string.Join(", ", unknown)}");
        foreach (var p in Problems) w.WriteLine(p);
        w.WriteLine(Verdict switch
        {
            Verdict.Valid => $"result: valid ({Records} records)",
            Verdict.TornTail => "result: torn tail in the last segment (never durable; `arrakis-aof fix` cuts it)",
            _ => "result: DAMAGED",
        });
    }
}
