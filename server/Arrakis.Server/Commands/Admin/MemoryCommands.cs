using System.Diagnostics;
using System.Globalization;
using System.Text;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Commands.Admin;

/// <summary>
/// MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS and PURGE. Totals are our own accounting
/// (<see cref="MemoryFigures"/>: key tables, values, client buffers, scripts); allocator.* are the .NET
/// GC's own counts (where Redis reports jemalloc's), RSS the process's; fields that have no
/// counterpart here (replication backlog, AOF buffer, Lua caches) are 0 because that memory does not exist.
/// </summary>
internal static class MemoryCommands
{
    private const int DefaultSamples = 5; // Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["memory|usage"] = Usage;
        h["memory|stats"] = Stats;
        h["memory|doctor"] = c => c.Reply.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(Doctor(c.Server)));
        h["memory|malloc-stats"] = c => c.Reply.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(MallocStats()));
        h["memory|purge"] = c =>
        {
            // Redis asks its allocator to return free pages. Here every table first gives back what its
            // deletions left (the cron does it a stripe at a time), then a compacting full collection
            // lets the GC release the freed segments.
            var ks = c.Server.Keyspace;
            ks.LockAll();
            try
            {
                for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
                {
                    foreach (var table in ks[i].Tables) table?.GiveBack();
                }
            }
            finally
            {
                ks.UnlockAll();
            }
            MemoryHousekeeping.Compact();
            c.Reply.WriteOk();
        };
    }

    private static void Usage(CommandContext c)
    {
        long samples = DefaultSamples;
        for (int j = 3; j < c.ArgCount; j++)
        {
            if (c.ArgIs(j, "SAMPLES") && j + 1 < c.ArgCount)
            {
                if (!c.TryArgLong(j + 1, out samples)) return;
                if (samples < 0)
                {
                    c.SyntaxError();
                    return;
                }
                j++;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        // As Redis 7.0: the stored key, expired or not, and no keyspace hit or miss.
        if (!c.Db.TryFindStored(c.Arg(2), out var table, out int slot))
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteInteger(MemoryUsage.OfKey(table, slot));
    }

    /// <summary>Everything MEMORY STATS and DOCTOR report, measured once: our accounting, then the GC's and the process's figures.</summary>
    private sealed record Figures(long Peak, MemoryFigures Own, long GcAllocated, long Heap, long Committed, long Fragmented, long Rss);

    private static Figures Measure(ServerState s)
    {
        var own = MemoryFigures.Measure(s);
        var gc = GC.GetGCMemoryInfo();
        using var p = Process.GetCurrentProcess();
        return new Figures(s.PeakMemory, own, GC.GetTotalMemory(false), gc.HeapSizeBytes, gc.TotalCommittedBytes, gc.FragmentedBytes, p.WorkingSet64);
    }

    private static void Stats(CommandContext c)
    {
        var f = Measure(c.Server);
        var inv = CultureInfo.InvariantCulture;
        var fields = new List<(string Name, object Value)>
        {
            ("peak.allocated", f.Peak), ("total.allocated", f.Own.Total), ("startup.allocated", f.Own.Startup),
            ("replication.backlog", 0L), ("clients.slaves", 0L), ("clients.normal", f.Own.Clients), ("cluster.links", 0L),
            ("aof.buffer", 0L), ("lua.caches", 0L), ("functions.caches", 0L), ("overhead.total", f.Own.Overhead),
            ("keys.count", f.Own.Keys), ("keys.bytes-per-key", f.Own.Keys == 0 ? 0L : f.Own.Dataset / f.Own.Keys),
            ("dataset.bytes", f.Own.Dataset), ("dataset.percentage", Percent(f.Own.Dataset, f.Own.Total - f.Own.Startup)),
            ("peak.percentage", Percent(f.Own.Total, f.Peak)),
            ("allocator.allocated", f.GcAllocated), ("allocator.active", f.Heap), ("allocator.resident", f.Committed),
            ("allocator-fragmentation.ratio", Ratio(f.Heap, f.GcAllocated)), ("allocator-fragmentation.bytes", f.Fragmented),
            ("allocator.rss-ratio", Ratio(f.Committed, f.Heap)), ("allocator.rss-bytes", f.Committed - f.Heap),
            ("rss-overhead.ratio", Ratio(f.Rss, f.Committed)), ("rss-overhead.bytes", f.Rss - f.Committed),
            ("fragmentation", Ratio(f.Rss, f.Own.Total)), ("fragmentation.bytes", f.Rss - f.Own.Total),
        };
        c.Reply.WriteMapHeader(fields.Count);
        foreach (var (name, value) in fields)
        {
            c.Reply.WriteBulk(name);
            if (value is long l) c.Reply.WriteInteger(l);
            else c.Reply.WriteDouble((double)value);
        }
        _ = inv;
    }

    private static double Percent(long part, long whole) => whole <= 0 ? 0 : Math.Round(part * 100.0 / whole, 6);

    private static double Ratio(long a, long b) => b <= 0 ? 0 : Math.Round((double)a / b, 3);

    /// <summary>A plain-words reading of the figures, in the spirit of Redis's doctor.</summary>
    private static string Doctor(ServerState s)
    {
        var f = Measure(s);
        if (f.Own.Total < 5 * 1024 * 1024 && f.Own.Keys < 1000)
            return "This instance is empty or uses very little memory, so there is nothing to diagnose yet: " +
                   "fill it with some data and ask again.\n";
        var issues = new List<string>();
        if (f.Peak > f.Own.Total * 3 / 2)
            issues.Add($"Peak memory: used memory was once {InfoCommand.Human(f.Peak)}, {Ratio(f.Peak, f.Own.Total)} times today's {InfoCommand.Human(f.Own.Total)}; freed pages of the key tables and the heap may still be held. MEMORY PURGE compacts them and returns freed segments to the system.");
        if (f.Rss > f.Own.Total * 14 / 10)
            issues.Add($"High RSS overhead: the process uses {InfoCommand.Human(f.Rss)} of RAM for {InfoCommand.Human(f.Own.Total)} of used memory (ratio {Ratio(f.Rss, f.Own.Total)}): the runtime's code and heap, GC segments not yet returned, or a recent bulk load. MEMORY PURGE may help.");
        if (f.Own.Clients > 64L * 1024 * 1024)
            issues.Add($"Big client buffers: clients hold {InfoCommand.Human(f.Own.Clients)} of input and output buffers; check CLIENT LIST for clients with a big qbuf or omem.");
        if (issues.Count == 0)
            return "I can't find any memory issue in this instance (managed heap, RSS overhead and client buffers look normal). I can only account for what occurs on this base.\n";
        return "Sam, I detected a few issues in this Arrakis instance memory implants:\n\n * " + string.Join("\n\n * ", issues) + "\n";
    }

    private static string MallocStats()
    {
        var gc = GC.GetGCMemoryInfo();
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("Allocator: the .NET garbage collector (").Append(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation").Append(", latency mode ")
          .Append(System.Runtime.GCSettings.LatencyMode).Append(")\n");
        sb.Append(inv, $"heap size: {gc.HeapSizeBytes}\ncommitted: {gc.TotalCommittedBytes}\nfragmented: {gc.FragmentedBytes}\n");
        sb.Append(inv, $"total available: {gc.TotalAvailableMemoryBytes}\nhigh memory load threshold: {gc.HighMemoryLoadThresholdBytes}\n");
        sb.Append(inv, $"total allocated since start: {GC.GetTotalAllocatedBytes()}\ncollections gen0/gen1/gen2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}\n");
        sb.Append(inv, $"pause time percentage: {gc.PauseTimePercentage}\n");
        sb.Append(inv, $"total pause time: {GC.GetTotalPauseDuration().TotalMicroseconds:F0} us\n");
        sb.Append("gc settings:");
        foreach (var (name, value) in GC.GetConfigurationVariables().OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(inv, $" {name}={value}");
        sb.Append('\n');
        for (int g = 0; g < gc.GenerationInfo.Length; g++)
        {
            var info = gc.GenerationInfo[g];
            string name = g switch { 3 => "loh", 4 => "poh", _ => "gen" + g };
            sb.Append(inv, $"{name}: size before {info.SizeBeforeBytes} after {info.SizeAfterBytes}, fragmentation before {info.FragmentationBeforeBytes} after {info.FragmentationAfterBytes}\n");
        }
        return sb.ToString();
    }
}
