using System.Text.Json;
using System.Text.Json.Nodes;
using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Reporting;

/// <summary>Machine-readable results (--json-out) and HdrHistogram percentile files (--hdr-out).</summary>
internal static class JsonReport
{
    public static JsonObject Build(LoadGenOptions o, RunResult r)
    {
        JsonObject Stats(CommandStats s)
        {
            var pct = new JsonObject();
            foreach (var p in new[] { 50.0, 90, 99, 99.9, 99.99, 100 }.Union(o.Percentiles).Order())
                pct[p.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)] = RunResult.PercentileMs(s, p);
            return new JsonObject
            {
                ["count"] = s.Count,
                ["ops_per_sec"] = r.OpsPerSecond(s),
                ["hits_per_sec"] = r.PerSecond(s.Hits),
                ["misses_per_sec"] = r.PerSecond(s.Misses),
                ["errors"] = s.Errors,
                ["verify_failures"] = s.VerifyFailures,
                ["avg_latency_ms"] = RunResult.AverageMs(s),
                ["max_latency_ms"] = RunResult.MaxMs(s),
                ["kb_per_sec"] = r.KbPerSecond(s),
                ["percentiles_ms"] = pct,
            };
        }
        var commands = new JsonObject();
        foreach (var s in r.Commands) commands[s.Name] = Stats(s);
        return new JsonObject
        {
            ["configuration"] = new JsonObject
            {
                ["host"] = o.Host, ["port"] = o.Port, ["protocol"] = o.Resp3 ? "resp3" : "resp2", ["threads"] = o.Threads,
                ["clients"] = o.Clients, ["pipeline"] = o.Pipeline, ["requests"] = o.TestTimeSeconds > 0 ? null : o.Requests,
                ["test_time"] = o.TestTimeSeconds > 0 ? o.TestTimeSeconds : null, ["rate"] = o.Rate > 0 ? o.Rate : null,
                ["key_pattern"] = o.KeyPattern.ToString(), ["key_minimum"] = o.KeyMinimum, ["key_maximum"] = o.KeyMaximum,
                ["data_size_min"] = o.DataSizeMin, ["data_size_max"] = o.DataSizeMax, ["seed"] = o.Seed,
                ["commands"] = new JsonArray(o.EffectiveCommands.Select(c => (JsonNode)new JsonObject { ["command"] = string.Join(' ', c.Words), ["weight"] = c.Weight }).ToArray()),
            },
            ["seconds"] = r.Seconds,
            ["aborted"] = r.Aborted,
            ["problems"] = new JsonArray(r.Problems.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()),
            ["totals"] = Stats(r.Totals),
            ["commands"] = commands,
        };
    }

    public static void Write(string path, JsonNode node)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Writes PREFIX_TYPE.hgrm: HdrHistogram's percentile distribution in milliseconds.</summary>
    public static void WriteHdr(string prefix, RunResult r)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (dir is not null) Directory.CreateDirectory(dir);
        foreach (var s in r.Commands.Append(r.Totals))
        {
            using var w = new StreamWriter($"{prefix}_{s.Name}.hgrm");
            HdrHistogram.HistogramExtensions.OutputPercentileDistribution(s.Latency, w, outputValueUnitScalingRatio: 1000.0);
        }
    }
}
