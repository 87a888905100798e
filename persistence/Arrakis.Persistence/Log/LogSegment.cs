namespace Arrakis.Persistence.Log;

/// <summary>One incremental log segment of the manifest: its file (relative to the append-only directory, or an absolute device path), where the log starts on it and the LSN of its first record.</summary>
public sealed record LogSegment(string File, long Seq, long StartOffset, long StartLsn);
