using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>What one fuzzing run saw: the number of commands and the distinct failures with their counts.</summary>
internal sealed class FuzzReport(RespVersion protocol, int seed)
{
    private readonly Dictionary<string, FuzzFailure> _bySignature = new(StringComparer.Ordinal);
    private readonly List<FuzzFailure> _failures = new();

    public RespVersion Protocol { get; } = protocol;

    public int Seed { get; } = seed;

    public long Commands { get; set; }

    public TimeSpan Elapsed { get; set; }

    public IReadOnlyList<FuzzFailure> Failures => _failures;

    /// <summary>Catalog commands the run never generated (a short run may miss rare ones).</summary>
    public IReadOnlyList<string> NotGenerated { get; set; } = [];

    /// <summary>Counts another occurrence if the signature was seen; returns whether it was.</summary>
    public bool CountIfSeen(string signature)
    {
        if (!_bySignature.TryGetValue(signature, out var f)) return false;
        f.Occurrences++;
        return true;
    }

    public void Add(FuzzFailure failure)
    {
        _bySignature[failure.Signature] = failure;
        _failures.Add(failure);
    }

    public int Count(FailureKind kind, bool known) => _failures.Where(f => f.Kind == kind && f.Known is not null == known).Sum(f => f.Occurrences);

    /// <summary>One line: commands, differences (unknown, then tolerated), crashes, hangs.</summary>
    public string Summary =>
        $"RESP{(int)Protocol} seed {Seed}: commands {Commands}, differences {Count(FailureKind.Reply, false) + Count(FailureKind.State, false)}"
        + $" (+{Count(FailureKind.Reply, true) + Count(FailureKind.State, true)} known), crashes {Count(FailureKind.Crash, false) + Count(FailureKind.Crash, true)},"
        + $" hangs {Count(FailureKind.Hang, false) + Count(FailureKind.Hang, true)}, redis failures {Count(FailureKind.RedisFailure, false)}, {Elapsed.TotalSeconds:F1} s";

    public bool HasFatal => _failures.Any(f => f.IsFatal);

    public string Format(bool includeKnown) =>
        Summary + (NotGenerated.Count > 0 ? "\nnever generated: " + string.Join(' ', NotGenerated) : "") + "\n" + string.Join("\n\n", _failures.Where(f => includeKnown || f.IsFatal).Select(f => f.Format()));
}
