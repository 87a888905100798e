namespace Arrakis.Persistence.Log;

/// <summary>
/// One incremental log segment of the manifest: its file (relative to the append-only directory, or an
/// absolute device path), where the log starts on it, the LSN of its first record, and where its region
/// ends (-1: at the end of the file or device). Segments on one device (--aof-device) take turns in its
/// two halves, so each has a region.
/// </summary>
public sealed record LogSegment(string File, long Seq, long StartOffset, long StartLsn, long RegionEnd = -1);
