namespace Arrakis.LoadGen.Engine;

/// <summary>What a run measured: per command type and totals over the recorded window.</summary>
internal sealed class RunResult
{
    public required IReadOnlyList<CommandStats> Commands { get; init; }
    public required CommandStats Totals { get; init; }
    public required double Seconds { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
    public bool Aborted { get; init; }

    public double OpsPerSecond(CommandStats s) => Seconds > 0 ? s.Count / Seconds : 0;

    public double PerSecond(long n) => Seconds > 0 ? n / Seconds : 0;

    /// <summary>Latency at a percentile in milliseconds.</summary>
    public static double PercentileMs(CommandStats s, double p) => s.Count == 0 ? 0 : s.Latency.GetValueAtPercentile(p) / 1000.0;

    public static double AverageMs(CommandStats s) => s.Count == 0 ? 0 : HdrHistogram.HistogramExtensions.GetMean(s.Latency) / 1000.0;

    public static double MaxMs(CommandStats s) => s.Count == 0 ? 0 : HdrHistogram.HistogramExtensions.GetMaxValue(s.Latency) / 1000.0;

    public double KbPerSecond(CommandStats s) => PerSecond(s.BytesIn + s.BytesOut) / 1024.0;
}
