namespace Arrakis.Server.Text;

/// <summary>Redis's glob matching (stringmatchlen): * ? [abc] [^a-z] and \ escapes, byte-wise.</summary>
internal static class Glob
{
    public static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool noCase = false) => Match(pattern, s, noCase, 0);

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool noCase, int depth)
    {
        if (depth > 1000) return false; // Redis bounds nesting the same way (stringmatchlen_impl's nesting limit)
        while (p.Length > 0 && s.Length >= 0)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == '*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (int i = 0; i <= s.Length; i++)
                    {
                        if (Match(p[1..], s[i..], noCase, depth + 1)) return true;
                    }
                    return false;
                case (byte)'?':
                    if (s.Length == 0) return false;
                    s = s[1..];
                    break;
                case (byte)'[':
                {
                    if (s.Length == 0) return false;
                    p = p[1..];
                    bool not = p.Length > 0 && p[0] == '^';
                    if (not) p = p[1..];
                    bool match = false;
                    while (true)
                    {
                        if (p.Length > 0 && p[0] == '\\' && p.Length >= 2)
                        {
                            p = p[1..];
                            if (p[0] == s[0]) match = true;
                        }
                        else if (p.Length > 0 && p[0] == ']')
                        {
                            break;
                        }
                        else if (p.Length == 0)
                        {
                            p = p[..0];
                            break;
                        }
                        else if (p.Length >= 3 && p[1] == '-')
                        {
                            int start = p[0], end = p[2], c = s[0];
                            if (start > end) (start, end) = (end, start);
                            if (noCase)
                            {
                                start = Lower(start); end = Lower(end); c = Lower(c);
                            }
                            p = p[2..];
                            if (c >= start && c <= end) match = true;
                        }
                        else if (noCase ? Lower(p[0]) == Lower(s[0]) : p[0] == s[0])
                        {
                            match = true;
                        }
                        p = p[1..];
                    }
                    if (not) match = !match;
                    if (!match) return false;
                    s = s[1..];
                    if (p.Length == 0) return s.Length == 0; // unterminated class ends the pattern
                    break;
                }
                case (byte)'\\':
                    if (p.Length >= 2) p = p[1..];
                    goto default;
                default:
                    if (s.Length == 0) return false;
                    if (noCase ? Lower(p[0]) != Lower(s[0]) : p[0] != s[0]) return false;
                    s = s[1..];
                    break;
            }
            p = p[1..];
            if (s.Length == 0)
            {
                while (p.Length > 0 && p[0] == '*') p = p[1..];
                break;
            }
        }
        return p.Length == 0 && s.Length == 0;
    }

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
