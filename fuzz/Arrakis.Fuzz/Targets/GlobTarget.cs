using Arrakis.Fuzz.Oracles;
using Arrakis.Server.Text;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// Glob matching (KEYS, SCAN MATCH, PSUBSCRIBE): input = pattern, a NUL byte, subject. Matches
/// case-sensitively and with noCase, compares both with <see cref="ReferenceGlob"/>, and bounds
/// the work: at most one step per (pattern byte, subject byte) pair, as Redis's skipLongerMatches gives.
/// </summary>
internal static class GlobTarget
{
    // Matching is O(pattern x subject), as in Redis (a 30 KB pattern against a 60 KB key takes Redis
    // seconds too): 4 KB keeps one input well under AFL's timeout, which in SharpFuzz's in-process
    // mode would end the whole campaign rather than save a hang.
    private const int MaxLength = 4096;

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        int nul = data.IndexOf((byte)0);
        var pattern = nul >= 0 ? data[..nul] : data;
        var subject = nul >= 0 ? data[(nul + 1)..] : ReadOnlySpan<byte>.Empty;
        foreach (bool noCase in (ReadOnlySpan<bool>)[false, true])
        {
            bool actual = Glob.Match(pattern, subject, noCase, out long steps);
            long bound = (long)(pattern.Length + 1) * (subject.Length + 1);
            if (steps > bound) throw new FuzzFailure($"{steps} steps for a {pattern.Length}-byte pattern and a {subject.Length}-byte subject");
            if ((long)pattern.Length * subject.Length > 4_000_000) continue; // the table would be too slow
            bool? expected = ReferenceGlob.Match(pattern, subject, noCase);
            if (expected is not null && expected != actual)
                throw new FuzzFailure($"noCase={noCase}: matcher says {actual}, reference says {expected}");
        }
    }
}
