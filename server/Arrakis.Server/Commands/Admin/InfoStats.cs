using System.Globalization;
using System.Text;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Commands.Admin;

/// <summary>INFO commandstats, errorstats and latencystats, summed over the data-plane threads, in Redis 7.0's formats.</summary>
internal static class InfoStats
{
    private static readonly double[] Percentiles = [50, 99, 99.9];

    public static void AppendCommandStats(StringBuilder sb, ServerState s)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append("# Commandstats\r\n");
        foreach (var def in s.Commands.BySlot)
        {
            CommandCounters sum = default;
            foreach (var t in s.ThreadStats)
            {
                var c = t.PerCommand[def.Id];
                sum.Calls += c.Calls;
                sum.Microseconds += c.Microseconds;
                sum.Rejected += c.Rejected;
                sum.Failed += c.Failed;
            }
            if (sum.Calls == 0 && sum.Rejected == 0 && sum.Failed == 0) continue;
            double perCall = sum.Calls == 0 ? 0 : (double)sum.Microseconds / sum.Calls;
            sb.Append("cmdstat_").Append(def.FullName).Append(":calls=").Append(sum.Calls.ToString(inv))
              .Append(",usec=").Append(sum.Microseconds.ToString(inv))
              .Append(",usec_per_call=").Append(perCall.ToString("F2", inv))
              .Append(",rejected_calls=").Append(sum.Rejected.ToString(inv))
              .Append(",failed_calls=").Append(sum.Failed.ToString(inv)).Append("\r\n");
        }
    }

    public static void AppendErrorStats(StringBuilder sb, ServerState s)
    {
        sb.Append("# Errorstats\r\n");
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in s.ThreadStats)
        {
            foreach (var (code, count) in t.ErrorCodes()) totals[code] = totals.GetValueOrDefault(code) + count;
        }
        foreach (var (code, count) in totals)
            sb.Append("errorstat_").Append(code).Append(":count=").Append(count.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
    }

    public static void AppendLatencyStats(StringBuilder sb, ServerState s)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append("# Latencystats\r\n");
        foreach (var def in s.Commands.BySlot)
        {
            long[]? counts = null;
            foreach (var t in s.ThreadStats)
            {
                if (t.Latency[def.Id] is not { } h) continue;
                h.AddTo(counts ??= LatencyHistogram.NewCounts());
            }
            if (counts is null) continue;
            sb.Append("latency_percentiles_usec_").Append(def.FullName).Append(':');
            for (int i = 0; i < Percentiles.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append('p').Append(Percentiles[i].ToString(inv)).Append('=')
                  .Append(((double)LatencyHistogram.Percentile(counts, Percentiles[i])).ToString("F3", inv));
            }
            sb.Append("\r\n");
        }
    }
}
