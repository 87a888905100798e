using HdrHistogram;

namespace Arrakis.LoadGen.Compare;

/// <summary>One target's results over all rounds: per-round throughput and latency, merged histogram.</summary>
internal sealed class TargetSummary(CompareTarget target)
{
    public CompareTarget Target { get; } = target;
    public List<double> OpsPerSecond { get; } = new();
    public List<double> P50 { get; } = new();
    public List<double> P99 { get; } = new();
    public List<double> P999 { get; } = new();

    public List<double> P9999 { get; } = new();
    public long Errors { get; set; }
    public LongHistogram Latency { get; } = new(1, Engine.CommandStats.MaxLatencyUs, 3);

    public static double Median(List<double> values)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
