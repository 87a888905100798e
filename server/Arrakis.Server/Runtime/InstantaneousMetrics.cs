namespace Arrakis.Server.Runtime;

/// <summary>
/// Redis's instantaneous_* rates: every 100 ms (serverCron's STATS_METRIC_SAMPLE) a counter's
/// increase per second is recorded in a ring of 16 samples; the reported rate is their mean.
/// </summary>
/// <remarks>Sampled by data-plane thread 0's cron; read by INFO on any thread.</remarks>
internal sealed class InstantaneousMetrics
{
    public enum Metric
    {
        Commands,
        NetInput,
        NetOutput,
    }

    private const int Samples = 16, SampleEveryMs = 100;
    private readonly object _gate = new();
    private readonly long[,] _rates = new long[3, Samples];
    private readonly long[] _last = new long[3];
    private long _lastMs = -1;
    private int _next;

    /// <summary>Records a sample when 100 ms have passed since the previous one.</summary>
    public void MaybeSample(long nowMs, long commands, long netInput, long netOutput)
    {
        lock (_gate)
        {
            if (_lastMs >= 0 && nowMs - _lastMs < SampleEveryMs) return;
            long elapsed = _lastMs < 0 ? 0 : nowMs - _lastMs;
            Span<long> values = [commands, netInput, netOutput];
            for (int m = 0; m < 3; m++)
            {
                if (elapsed > 0) _rates[m, _next] = (values[m] - _last[m]) * 1000 / elapsed;
                _last[m] = values[m];
            }
            if (elapsed > 0) _next = (_next + 1) % Samples;
            _lastMs = nowMs;
        }
    }

    /// <summary>Mean of the recorded per-second rates.</summary>
    public long Rate(Metric metric)
    {
        lock (_gate)
        {
            long sum = 0;
            for (int i = 0; i < Samples; i++) sum += _rates[(int)metric, i];
            return sum / Samples;
        }
    }
}
