namespace Arrakis.Server.Text;

/// <summary>
/// Redis's glob matching (util.c stringmatchlen): * ? [abc] [^a-z] and \ escapes, byte-wise, as
/// built for x86-64 (char is signed, so class ranges compare bytes >= 0x80 as negative numbers).
/// </summary>
/// <remarks>
/// Like Redis, an empty subject matches only the empty pattern (even "*" does not match it: KEYS
/// and SCAN take their own match-everything shortcut for a lone "*" before matching, and so do our
/// callers; PSUBSCRIBE * does not receive a message published to ""). Work is bounded by
/// Redis's skipLongerMatches rule: once the rest of the pattern after a '*' failed at every later
/// position, no earlier '*' can succeed by matching more, so the whole match fails at once. That
/// makes a match O(pattern x subject) instead of exponential in the number of stars.
/// </remarks>
internal static class Glob
{
    private const int MaxNesting = 1000; // stringmatchlen_impl's protection against abusive patterns

    private struct State
    {
        public bool NoCase;
        public bool SkipLongerMatches;
        public long Steps;
    }

    public static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool noCase = false) =>
        Match(pattern, s, noCase, out _);

    /// <summary>As <see cref="Match(ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool)"/>; <paramref name="steps"/>
    /// counts the pattern tokens compared (for tests that bound the work).</summary>
    internal static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool noCase, out long steps)
    {
        var state = new State { NoCase = noCase };
        bool matched = MatchAt(pattern, s, ref state, 0);
        steps = state.Steps;
        return matched;
    }

    private static bool MatchAt(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, ref State state, int nesting)
    {
        if (nesting > MaxNesting) return false;
        while (p.Length > 0 && s.Length > 0)
        {
            state.Steps++;
            int used = 1;
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == '*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (; s.Length > 0; s = s[1..])
                    {
                        if (MatchAt(p[1..], s, ref state, nesting + 1)) return true;
                        if (state.SkipLongerMatches) return false;
                    }
                    state.SkipLongerMatches = true;
                    return false;
                case (byte)'?':
                    break;
                case (byte)'[':
                    if (!MatchClass(p, s[0], state.NoCase, out used)) return false;
                    break;
                case (byte)'\\' when p.Length >= 2:
                    if (!SameByte(p[1], s[0], state.NoCase)) return false;
                    used = 2;
                    break;
                default:
                    if (!SameByte(p[0], s[0], state.NoCase)) return false;
                    break;
            }
            p = p[used..];
            s = s[1..];
            if (s.Length == 0)
            {
                while (p.Length > 0 && p[0] == '*') p = p[1..];
                break;
            }
        }
        return p.Length == 0 && s.Length == 0;
    }

    /// <summary>Matches one byte against the class that starts at p[0] ('['); <paramref name="used"/> is
    /// the class's length in the pattern (to the end of the pattern when there is no closing ']').</summary>
    private static bool MatchClass(ReadOnlySpan<byte> p, byte b, bool noCase, out int used)
    {
        int i = 1;
        bool negate = i < p.Length && p[i] == '^';
        if (negate) i++;
        bool match = false;
        while (i < p.Length && p[i] != ']')
        {
            if (p[i] == '\\' && i + 1 < p.Length)
            {
                i++;
                match |= p[i] == b; // Redis compares escaped class members case-sensitively
            }
            else if (i + 2 < p.Length && p[i + 1] == '-')
            {
                int start = (sbyte)p[i], end = (sbyte)p[i + 2], c = (sbyte)b;
                if (start > end) (start, end) = (end, start);
                if (noCase)
                {
                    start = Lower(start);
                    end = Lower(end);
                    c = Lower(c);
                }
                match |= c >= start && c <= end;
                i += 2;
            }
            else
            {
                match |= SameByte(p[i], b, noCase);
            }
            i++;
        }
        used = Math.Min(i + 1, p.Length);
        return match != negate;
    }

    private static bool SameByte(byte a, byte b, bool noCase) => noCase ? Lower(a) == Lower(b) : a == b;

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
