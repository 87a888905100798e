namespace Arrakis.Fuzz.Oracles;

/// <summary>
/// A slow, obviously-correct statement of Redis's stringmatchlen (x86-64 build, where char is
/// signed): the pattern becomes a list of tokens and a table says which pattern suffix matches
/// which subject suffix. Deliberately shares no code or structure with the server's matcher.
/// </summary>
/// <remarks>
/// Rules: '*' any run (0 or more bytes); '?' one byte; '\x' the byte x (a lone trailing '\' is
/// itself); '[...]' one byte: '^' first negates, '\x' is x compared case-sensitively, 'a-b' a
/// range compared as signed chars (ends swapped when reversed), ']' closes, a missing ']' ends the
/// pattern. Redis never matches an empty subject against a non-empty pattern (its loop needs a
/// byte), not even "*" (KEYS and SCAN take their own shortcut for a lone "*" before matching).
/// </remarks>
internal static class ReferenceGlob
{
    private enum Kind { Star, Any, Byte, Class }

    private sealed record Token(Kind Kind, byte Value = 0, bool[]? Members = null);

    /// <summary>null when the pattern nests more than Redis's 1000 stars (its limit changes results).</summary>
    public static bool? Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool noCase)
    {
        if (s.IsEmpty) return pattern.IsEmpty;
        var tokens = Tokenize(pattern, noCase);
        int stars = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == Kind.Star && (i == 0 || tokens[i - 1].Kind != Kind.Star)) stars++;
        }
        if (stars > 1000) return null;
        // matches[t, j]: tokens[t..] match s[j..]
        var matches = new bool[tokens.Count + 1, s.Length + 1];
        matches[tokens.Count, s.Length] = true;
        for (int t = tokens.Count - 1; t >= 0; t--)
        {
            for (int j = s.Length; j >= 0; j--)
            {
                var token = tokens[t];
                matches[t, j] = token.Kind == Kind.Star
                    ? matches[t + 1, j] || (j < s.Length && matches[t, j + 1])
                    : j < s.Length && Accepts(token, s[j], noCase) && matches[t + 1, j + 1];
            }
        }
        return matches[0, 0];
    }

    private static bool Accepts(Token token, byte c, bool noCase) => token.Kind switch
    {
        Kind.Any => true,
        Kind.Byte => noCase ? Fold(token.Value) == Fold(c) : token.Value == c,
        _ => token.Members![c],
    };

    private static List<Token> Tokenize(ReadOnlySpan<byte> p, bool noCase)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < p.Length)
        {
            byte b = p[i];
            if (b == '*') { tokens.Add(new Token(Kind.Star)); i++; }
            else if (b == '?') { tokens.Add(new Token(Kind.Any)); i++; }
            else if (b == '\\' && i + 1 < p.Length) { tokens.Add(new Token(Kind.Byte, p[i + 1])); i += 2; }
            else if (b == '[') i = ParseClass(p, i + 1, noCase, tokens);
            else { tokens.Add(new Token(Kind.Byte, b)); i++; }
        }
        return tokens;
    }

    /// <summary>Parses a class body starting at <paramref name="i"/>; returns the index after it.</summary>
    private static int ParseClass(ReadOnlySpan<byte> p, int i, bool noCase, List<Token> tokens)
    {
        bool negate = i < p.Length && p[i] == '^';
        if (negate) i++;
        var members = new bool[256];
        while (i < p.Length && !(p[i] == ']'))
        {
            if (p[i] == '\\' && i + 1 < p.Length)
            {
                members[p[i + 1]] = true;
                i += 2;
            }
            else if (i + 2 < p.Length && p[i + 1] == '-')
            {
                int lo = (sbyte)p[i], hi = (sbyte)p[i + 2];
                if (lo > hi) (lo, hi) = (hi, lo);
                for (int c = 0; c < 256; c++)
                {
                    int v = noCase ? Fold((sbyte)c) : (sbyte)c;
                    if (v >= (noCase ? Fold(lo) : lo) && v <= (noCase ? Fold(hi) : hi)) members[c] = true;
                }
                i += 3;
            }
            else
            {
                for (int c = 0; c < 256; c++) if (noCase ? Fold(c) == Fold(p[i]) : c == p[i]) members[c] = true;
                i++;
            }
        }
        if (negate) for (int c = 0; c < 256; c++) members[c] = !members[c];
        tokens.Add(new Token(Kind.Class, Members: members));
        return i + 1; // past ']', or past the end when unterminated
    }

    private static int Fold(int c) => c is >= 'A' and <= 'Z' ? c + ('a' - 'A') : c;
}
