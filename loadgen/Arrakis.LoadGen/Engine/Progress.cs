namespace Arrakis.LoadGen.Engine;

/// <summary>A live progress sample: ops/s and average latency over the last interval.</summary>
internal readonly record struct Progress(double ElapsedSeconds, double OpsPerSecond, double AverageLatencyMs, double Percent);
