using HdrHistogram;

namespace Arrakis.LoadGen.Engine;

/// <summary>Counters and the latency histogram (microseconds) of one command type, for one worker or merged.</summary>
internal sealed class CommandStats
{
    public const long MaxLatencyUs = 3_600_000_000; // an hour

    public CommandStats(string name) => Name = name;

    public string Name { get; }
    public long Count;
    public long Hits;
    public long Misses;
    public long Errors;
    public long BytesOut;
    public long BytesIn;
    public long VerifyFailures;
    public LongHistogram Latency { get; } = new(1, MaxLatencyUs, 3);

    public void Record(long latencyUs) => Latency.RecordValue(Math.Clamp(latencyUs, 1, MaxLatencyUs));

    public void Add(CommandStats other)
    {
        Count += other.Count;
        Hits += other.Hits;
        Misses += other.Misses;
        Errors += other.Errors;
        BytesOut += other.BytesOut;
        BytesIn += other.BytesIn;
        VerifyFailures += other.VerifyFailures;
        Latency.Add(other.Latency);
    }
}
