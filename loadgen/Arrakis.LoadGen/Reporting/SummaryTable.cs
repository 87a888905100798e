using System.Globalization;
using System.Text;
using Arrakis.LoadGen.Engine;

namespace Arrakis.LoadGen.Reporting;

/// <summary>The memtier-style summary: per command type ops/s, hits/s, misses/s, latencies (ms), KB/s.</summary>
internal static class SummaryTable
{
    public static string Render(RunResult r, double[] percentiles)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var headers = new List<string> { "Type", "Ops/sec", "Hits/sec", "Misses/sec", "Avg. Latency" };
        headers.AddRange(percentiles.Select(p => $"p{p.ToString("0.###", inv)} Latency"));
        headers.AddRange(["Max Latency", "KB/sec"]);
        var widths = headers.Select((h, i) => i == 0 ? 12 : Math.Max(h.Length + 2, 14)).ToArray();
        void Row(IReadOnlyList<string> cells)
        {
            for (int i = 0; i < cells.Count; i++) sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            sb.Append('\n');
        }
        int width = widths.Sum();
        sb.Append("ALL STATS\n").Append(new string('=', width)).Append('\n');
        Row(headers);
        sb.Append(new string('-', width)).Append('\n');
        foreach (var s in r.Commands.Append(r.Totals))
        {
            bool reads = s.Hits + s.Misses > 0 || s.Name is "Gets" or "Totals";
            var cells = new List<string>
            {
                s.Name,
                r.OpsPerSecond(s).ToString("F2", inv),
                reads ? r.PerSecond(s.Hits).ToString("F2", inv) : "---",
                reads ? r.PerSecond(s.Misses).ToString("F2", inv) : "---",
                RunResult.AverageMs(s).ToString("F5", inv),
            };
            cells.AddRange(percentiles.Select(p => RunResult.PercentileMs(s, p).ToString("F5", inv)));
            cells.Add(RunResult.MaxMs(s).ToString("F5", inv));
            cells.Add(r.KbPerSecond(s).ToString("F2", inv));
            Row(cells);
        }
        if (r.Totals.Errors > 0 || r.Totals.VerifyFailures > 0)
        {
            sb.Append('\n');
            foreach (var s in r.Commands.Where(s => s.Errors > 0 || s.VerifyFailures > 0))
                sb.Append(inv, $"{s.Name}: {s.Errors} error replies, {s.VerifyFailures} verify failures\n");
        }
        return sb.ToString();
    }
}
