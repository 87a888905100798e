using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One distinct failure (by <see cref="Signature"/>) with the first occurrence's place in the run
/// (protocol, seed, command index), a reproducing sequence (shrunk when <see cref="Shrunk"/>), both
/// replies (escaped), the known-differences entry that tolerates it (if any) and how often it occurred.
/// </summary>
internal sealed class FuzzFailure(FailureKind kind, string signature, RespVersion protocol, int seed, long index)
{
    public FailureKind Kind { get; } = kind;

    public string Signature { get; } = signature;

    public RespVersion Protocol { get; } = protocol;

    public int Seed { get; } = seed;

    public long Index { get; } = index;

    public IReadOnlyList<FuzzCommand> Repro { get; set; } = [];

    public string ReproNote { get; set; } = "";

    public string Redis { get; set; } = "";

    public string Ours { get; set; } = "";

    public KnownDifference? Known { get; set; }

    public int Occurrences { get; set; } = 1;

    /// <summary>True if this failure makes the run fail (crashes and hangs always do).</summary>
    public bool IsFatal => Known is null || Kind is FailureKind.Crash or FailureKind.Hang;

    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append($"[{Kind}] {Signature}  (x{Occurrences}; first at RESP{(int)Protocol} seed {Seed} command #{Index})");
        if (Known is not null) sb.Append($"\n  known {Known.Category}: {Known.Condition} — {Known.Reason}");
        sb.Append($"\n  repro ({Repro.Count} commands{ReproNote}), on a fresh RESP{(int)Protocol} connection after FLUSHALL:");
        foreach (var c in Repro) sb.Append("\n    ").Append(c);
        sb.Append("\n  redis: ").Append(Redis);
        sb.Append("\n  ours:  ").Append(Ours);
        return sb.ToString();
    }
}
