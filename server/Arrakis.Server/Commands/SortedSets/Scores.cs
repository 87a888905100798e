using Arrakis.Protocol;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>Score parsing and formatting with Redis's rules: "%.17g", inf, and range bounds.</summary>
internal static class Scores
{
    public static string Format(double score)
    {
        Span<byte> tmp = stackalloc byte[40];
        int n = RespNumber.FormatDouble(score, tmp);
        return System.Text.Encoding.ASCII.GetString(tmp[..n]);
    }

    /// <summary>"1.5", "(1.5", "-inf", "+inf", "(inf" as ZRANGEBYSCORE accepts them.</summary>
    public static bool TryParseBound(ReadOnlySpan<byte> s, out ScoreBound bound)
    {
        bound = default;
        bool exclusive = s.Length > 0 && s[0] == '(';
        if (exclusive) s = s[1..];
        if (!Numbers.TryParsePlainStrtod(s, out double v)) return false;
        bound = new ScoreBound(v, exclusive);
        return true;
    }

    /// <summary>"[a", "(a", "-", "+" as ZRANGEBYLEX accepts them.</summary>
    public static bool TryParseLex(ReadOnlySpan<byte> s, out LexBound bound)
    {
        bound = default;
        if (s.Length == 0) return false;
        switch (s[0])
        {
            case (byte)'+':
                if (s.Length != 1) return false;
                bound = new LexBound([], false, false, true);
                return true;
            case (byte)'-':
                if (s.Length != 1) return false;
                bound = new LexBound([], false, true, false);
                return true;
            case (byte)'(':
                bound = new LexBound(s[1..].ToArray(), true, false, false);
                return true;
            case (byte)'[':
                bound = new LexBound(s[1..].ToArray(), false, false, false);
                return true;
            default:
                return false;
        }
    }

    public static void WriteScore(CommandContext c, double score) => c.Reply.WriteDouble(score);
}
