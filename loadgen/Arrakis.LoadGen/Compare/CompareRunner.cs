using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Options;
using Arrakis.LoadGen.Reporting;

namespace Arrakis.LoadGen.Compare;

/// <summary>
/// compare: the same workload against each target in alternating rounds (A B A B ...) so that
/// machine drift falls on both; prints per-target medians and ratios to the first target, and
/// writes compare.md, compare.json and PNG charts.
/// </summary>
internal static class CompareRunner
{
    public static int Run(string[] args)
    {
        var targets = new List<CompareTarget>();
        int rounds = 3;
        string? outDir = null, title = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new OptionException($"option {args[i]} needs a value");
            switch (args[i])
            {
                case "--target": targets.Add(CompareTarget.Parse(Next())); break;
                case "--rounds":
                    if (!int.TryParse(Next(), out rounds) || rounds < 1 || rounds > 100) throw new OptionException("--rounds must be between 1 and 100");
                    break;
                case "--out": outDir = Next(); break;
                case "--title": title = Next(); break;
                default: rest.Add(args[i]); break;
            }
        }
        if (targets.Count < 1) throw new OptionException("compare needs at least one --target NAME=HOST:PORT");
        var o = OptionParser.Parse(rest);
        if (o.Host != "127.0.0.1" || o.Port != 6379) throw new OptionException("compare takes servers from --target, not --host/--port");
        o.Quiet = true;
        o.JsonOut = null;
        var summaries = targets.Select(t => new TargetSummary(t)).ToList();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var s in summaries)
            {
                o.Host = s.Target.Host;
                o.Port = s.Target.Port;
                var r = LoadRunner.Run(o);
                if (r.Aborted) throw new OptionException($"{s.Target.Name}: run aborted: {string.Join("; ", r.Problems)}");
                s.OpsPerSecond.Add(r.OpsPerSecond(r.Totals));
                s.P50.Add(RunResult.PercentileMs(r.Totals, 50));
                s.P99.Add(RunResult.PercentileMs(r.Totals, 99));
                s.P999.Add(RunResult.PercentileMs(r.Totals, 99.9));
                s.P9999.Add(RunResult.PercentileMs(r.Totals, 99.99));
                s.Errors += r.Totals.Errors;
                s.Latency.Add(r.Totals.Latency);
                Console.WriteLine(FormattableString.Invariant(
                    $"round {round}/{rounds} {s.Target.Name,-10} {s.OpsPerSecond[^1],12:F0} ops/s  p50 {s.P50[^1]:F3} ms  p99 {s.P99[^1]:F3} ms  p99.9 {s.P999[^1]:F3} ms  p99.99 {s.P9999[^1]:F3} ms"));
            }
        }
        string table = Markdown(summaries, title ?? Describe(o), rounds);
        Console.WriteLine();
        Console.Write(table);
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, "compare.md"), table);
            JsonReport.Write(Path.Combine(outDir, "compare.json"), Json(summaries, o, rounds));
            Charts.Write(outDir, title ?? Describe(o), summaries);
        }
        return summaries.Any(s => s.Errors > 0) ? 1 : 0;
    }

    public static string Describe(LoadGenOptions o)
    {
        string work = o.Commands.Count > 0 ? string.Join(", ", o.Commands.Select(c => $"{string.Join(' ', c.Words)} x{c.Weight}")) : $"SET:GET {o.SetRatio}:{o.GetRatio}";
        return FormattableString.Invariant(
            $"{work}, {o.Threads}x{o.Clients} connections, pipeline {o.Pipeline}, {(o.DataSizeMin == o.DataSizeMax ? o.DataSizeMin + " B" : $"{o.DataSizeMin}-{o.DataSizeMax} B")} values, keys {o.KeyMinimum}-{o.KeyMaximum} {o.KeyPattern}") +
            (o.Rate > 0 ? FormattableString.Invariant($", open loop {o.Rate:F0} req/s") : "") +
            (o.TestTimeSeconds > 0 ? FormattableString.Invariant($", {o.TestTimeSeconds} s per run") : FormattableString.Invariant($", {o.Requests} requests per client"));
    }

    public static string Markdown(List<TargetSummary> summaries, string title, int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("### ").Append(title).Append('\n').Append('\n');
        sb.Append(string.Create(inv, $"Medians of {rounds} alternating rounds; ratio = this target / {summaries[0].Target.Name}.\n\n"));
        sb.Append("| target | ops/s | ratio | p50 ms | p99 ms | p99.9 ms | p99.99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        double baseOps = TargetSummary.Median(summaries[0].OpsPerSecond);
        foreach (var s in summaries)
        {
            double ops = TargetSummary.Median(s.OpsPerSecond);
            sb.Append(string.Create(inv, $"| {s.Target.Name} | {ops:F0} | {(baseOps > 0 ? ops / baseOps : 0):F2} | {TargetSummary.Median(s.P50):F3} | {TargetSummary.Median(s.P99):F3} | {TargetSummary.Median(s.P999):F3} | {TargetSummary.Median(s.P9999):F3} | {s.Errors} |\n"));
        }
        // Medians hide how often: round i of every target ran back to back, so count the rounds, pair by pair, in
        // which the first target's tail was at or below the other's (a sign test's raw figures).
        var first = summaries[0];
        foreach (var s in summaries.Skip(1))
        {
            sb.Append(string.Create(inv, $"\n{first.Target.Name} at or below {s.Target.Name}, round by round: p99 {AtOrBelow(first.P99, s.P99)}, p99.9 {AtOrBelow(first.P999, s.P999)}, p99.99 {AtOrBelow(first.P9999, s.P9999)}.\n"));
        }
        return sb.ToString();
    }

    /// <summary>"k of n": rounds in which <paramref name="a"/>'s figure was at or below <paramref name="b"/>'s.</summary>
    public static string AtOrBelow(List<double> a, List<double> b)
    {
        int n = Math.Min(a.Count, b.Count);
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            if (a[i] <= b[i]) k++;
        }
        return $"{k} of {n}";
    }

    private static JsonObject Json(List<TargetSummary> summaries, LoadGenOptions o, int rounds)
    {
        var targets = new JsonArray();
        double baseOps = TargetSummary.Median(summaries[0].OpsPerSecond);
        foreach (var s in summaries)
        {
            double ops = TargetSummary.Median(s.OpsPerSecond);
            targets.Add(new JsonObject
            {
                ["name"] = s.Target.Name,
                ["address"] = $"{s.Target.Host}:{s.Target.Port}",
                ["median_ops_per_sec"] = ops,
                ["ratio"] = baseOps > 0 ? ops / baseOps : 0,
                ["median_p50_ms"] = TargetSummary.Median(s.P50),
                ["median_p99_ms"] = TargetSummary.Median(s.P99),
                ["median_p999_ms"] = TargetSummary.Median(s.P999),
                ["median_p9999_ms"] = TargetSummary.Median(s.P9999),
                ["rounds_ops_per_sec"] = new JsonArray(s.OpsPerSecond.Select(v => (JsonNode)v).ToArray()),
                ["rounds_p99_ms"] = new JsonArray(s.P99.Select(v => (JsonNode)v).ToArray()),
                ["rounds_p999_ms"] = new JsonArray(s.P999.Select(v => (JsonNode)v).ToArray()),
                ["rounds_p9999_ms"] = new JsonArray(s.P9999.Select(v => (JsonNode)v).ToArray()),
                ["errors"] = s.Errors,
            });
        }
        return new JsonObject { ["workload"] = Describe(o), ["rounds"] = rounds, ["targets"] = targets };
    }
}
