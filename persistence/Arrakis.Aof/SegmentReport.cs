using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>
/// What reading one incremental segment found: the read's outcome (<see cref="Read"/>, null when the
/// file could not be read at all, then <see cref="OpenError"/> says why), the records, commands and
/// LSNs of its valid prefix, and the command names Redis 7.0 does not have.
/// </summary>
internal sealed class SegmentReport(LogSegment segment, string path)
{
    public LogSegment Segment { get; } = segment;
    public string Path { get; } = path;
    public string? OpenError { get; set; }
    public long FileBytes { get; set; }
    public long Capacity { get; set; }
    public LogReadResult? Read { get; set; }
    public long FirstLsn { get; set; }
    public long LastLsn { get; set; }
    public long Commands { get; set; }
    public long Transactions { get; set; }
    public SortedDictionary<string, long> UnknownCommands { get; } = new(StringComparer.Ordinal);

    /// <summary>Bytes after the end of the valid log (never-written space, or what a torn tail occupies).</summary>
    public long FreeBytes => Read is null ? 0 : Math.Max(0, RegionEnd - Read.EndOffset);

    /// <summary>Where the segment's region ends: its manifest's region-end, else the end of the file or device.</summary>
    public long RegionEnd => Segment.RegionEnd >= 0 ? Math.Min(Segment.RegionEnd, Capacity) : Capacity;

    public string Describe()
    {
        string head = $"segment {Segment.File} (seq {Segment.Seq}, start-offset {Segment.StartOffset}, start-lsn {Segment.StartLsn}{(Segment.RegionEnd >= 0 ? $", region-end {Segment.RegionEnd}" : "")})";
        if (Read is null) return $"{head}: UNREADABLE: {OpenError}";
        string lsns = Read.Records == 0 ? "no records" : $"{Read.Records} records (LSN {FirstLsn}..{LastLsn})";
        return $"{head}: {lsns}, {Commands} commands ({Transactions} multi-command records), {Read.Frames} frames; "
            + $"valid log ends at offset {Read.EndOffset}, next LSN {Read.NextLsn}; {FreeBytes} of {RegionEnd - Segment.StartOffset} bytes free";
    }
}
