using System.Text;
using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>Reads one segment with <see cref="LogReader"/> over a <see cref="FileQueuePair"/>, counting what it holds. Never throws for any content.</summary>
internal static class SegmentScanner
{
    /// <summary>Scans <paramref name="segment"/>; <paramref name="apply"/> (optional) sees each record of the valid prefix in LSN order.</summary>
    public static SegmentReport Scan(AofDirectory dir, LogSegment segment, Action<LogRecord>? apply = null)
    {
        var report = new SegmentReport(segment, dir.PathOf(segment.File));
        if (!File.Exists(report.Path))
        {
            report.OpenError = $"{report.Path} does not exist";
            return report;
        }
        using var device = FileQueuePair.Open(report.Path, writable: false, out string? error);
        if (device is null)
        {
            report.OpenError = $"{report.Path}: {error}";
            return report;
        }
        report.FileBytes = device.FileLength;
        report.Capacity = device.Capacity;
        if (segment.StartOffset > device.Capacity)
        {
            report.OpenError = $"start-offset {segment.StartOffset} is beyond the end of {report.Path} ({device.FileLength} bytes)";
            return report;
        }
        report.Read = new LogReader(device, segment.RegionEnd).Read(segment.StartOffset, segment.StartLsn, record =>
        {
            if (report.FirstLsn == 0) report.FirstLsn = record.Lsn;
            report.LastLsn = record.Lsn;
            report.Commands += record.Commands.Count;
            if (record.Commands.Count > 1) report.Transactions++;
            foreach (var c in record.Commands)
            {
                string name = Encoding.UTF8.GetString(c.Args[0]).ToLowerInvariant();
                if (!RedisCommandNames.Redis70.Contains(name))
                    report.UnknownCommands[name] = report.UnknownCommands.GetValueOrDefault(name) + 1;
            }
            apply?.Invoke(record);
        });
        return report;
    }

    /// <summary>
    /// The highest LSN of a valid frame header after <paramref name="offset"/> (what cutting there loses
    /// at least), or 0 when there is none. Reads the file directly; never throws.
    /// </summary>
    public static long LastLsnAfter(string path, long offset, long regionEnd = -1)
    {
        long last = 0;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            var chunk = new byte[(1 << 20) + LogFrame.HeaderSize];
            long length = FileQueuePair.LengthOf(fs, path);
            long end = regionEnd < 0 ? length : Math.Min(regionEnd, length);
            for (long pos = offset + 1; pos < end; pos += 1 << 20)
            {
                int n = RandomAccess.Read(fs.SafeFileHandle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, end - pos)), pos);
                var span = chunk.AsSpan(0, n);
                for (int at = span.IndexOf("ARKL"u8); at >= 0 && at < (1 << 20);)
                {
                    if (LogFrame.TryReadHeader(span[at..], out var h)) last = Math.Max(last, h.LastLsn);
                    int next = span[(at + 1)..].IndexOf("ARKL"u8);
                    at = next < 0 ? -1 : at + 1 + next;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return last;
    }

    /// <summary>Bytes from <paramref name="offset"/> to the end of the last non-zero byte of the file or of the segment's region (0: only zeros). Never throws.</summary>
    public static long NonZeroExtent(string path, long offset, long regionEnd = -1)
    {
        long end = offset;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            var chunk = new byte[1 << 20];
            long length = FileQueuePair.LengthOf(fs, path);
            long limit = regionEnd < 0 ? length : Math.Min(regionEnd, length);
            for (long pos = offset; pos < limit; pos += chunk.Length)
            {
                int n = RandomAccess.Read(fs.SafeFileHandle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, limit - pos)), pos);
                int i = chunk.AsSpan(0, n).LastIndexOfAnyExcept((byte)0);
                if (i >= 0) end = pos + i + 1;
                if (n <= 0) break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return end - offset;
    }
}
