using Arrakis.IoBypass.Block;
using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>
/// <c>arrakis-aof fix</c>: cuts a torn tail of the last segment (zeros it durably with
/// <see cref="LogRepair.ZeroRange"/>), after a confirmation unless --yes. Corruption of durable data
/// in the last segment is cut only with --cut-corrupt, saying how many records are lost; any other
/// damage is refused. Returns the verdict after the fix (or unchanged when declined) as the exit code.
/// </summary>
internal static class FixCommand
{
    public static int Run(AofDirectory dir, bool yes, bool cutCorrupt, TextReader input, TextWriter output)
    {
        var check = DirectoryCheck.Run(dir);
        check.Print(output);
        if (check.Verdict == Verdict.Valid)
        {
            output.WriteLine("nothing to fix");
            return (int)Verdict.Valid;
        }
        var last = check.Segments[^1];
        bool onlyLastCorrupt = ReferenceEquals(check.CorruptSegment, last) && check.Problems.Count == 1;
        if (check.Verdict == Verdict.Damaged && !onlyLastCorrupt)
        {
            output.WriteLine("refusing: this damage is not in the tail of the last segment; cutting cannot repair it");
            return (int)Verdict.Damaged;
        }
        var r = last.Read!;
        long bytes;
        string question;
        if (check.Verdict == Verdict.Damaged)
        {
            long lastLsn = SegmentScanner.LastLsnAfter(last.Path, r.EndOffset, last.Segment.RegionEnd);
            long lost = Math.Max(0, lastLsn - r.NextLsn + 1);
            bytes = Math.Max(SegmentScanner.NonZeroExtent(last.Path, r.EndOffset, last.Segment.RegionEnd), r.DamagedBytes);
            string loss = lost > 0 ? $"at least {lost} durable record(s), LSN {r.NextLsn}..{lastLsn}" : $"the durable record(s) from LSN {r.NextLsn}";
            if (!cutCorrupt)
            {
                output.WriteLine($"refusing to cut durable data in {last.Path} at offset {r.EndOffset} (LSN {r.NextLsn}): it would lose {loss}; "
                    + "run with --cut-corrupt to cut there anyway");
                return (int)Verdict.Damaged;
            }
            question = $"Cut {bytes} bytes of {last.Path} from offset {r.EndOffset}, losing {loss}";
        }
        else
        {
            bytes = r.DamagedBytes;
            question = $"Cut the torn tail of {last.Path}: {bytes} bytes at offset {r.EndOffset}, LSN {r.NextLsn} (never durable)";
        }
        if (yes)
        {
            output.WriteLine(question + " (--yes)");
        }
        else
        {
            output.Write(question + "? [y/N] ");
            string? answer = input.ReadLine()?.Trim();
            if (answer is not ("y" or "Y" or "yes" or "YES"))
            {
                output.WriteLine("not changed");
                return (int)check.Verdict;
            }
        }
        using (var device = FileQueuePair.Open(last.Path, writable: true, out string? error))
        {
            if (device is null)
            {
                output.WriteLine($"cannot open {last.Path} for writing: {error}");
                return (int)Verdict.Damaged;
            }
            int rc = LogRepair.ZeroRange(device, r.EndOffset, bytes);
            if (rc < 0)
            {
                output.WriteLine($"cutting failed: {BlockErrno.Describe(rc)}");
                return (int)Verdict.Damaged;
            }
        }
        output.WriteLine($"cut {bytes} bytes at offset {r.EndOffset} of {last.Path}; the log ends at LSN {r.NextLsn - 1}");
        var after = DirectoryCheck.Run(dir);
        output.WriteLine(after.Verdict == Verdict.Valid ? $"result: valid ({after.Records} records)" : "result after the cut: " + string.Join("; ", after.Problems));
        return (int)after.Verdict;
    }
}
