namespace Arrakis.Fuzz.Oracles;

/// <summary>Textbook longest common subsequence length (two rows) and a subsequence check.</summary>
internal static class ReferenceLcs
{
    public static int Length(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        foreach (byte x in a)
        {
            for (int j = 1; j <= b.Length; j++)
                current[j] = x == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    public static bool IsSubsequence(ReadOnlySpan<byte> sub, ReadOnlySpan<byte> s)
    {
        int i = 0;
        foreach (byte x in s) if (i < sub.Length && sub[i] == x) i++;
        return i == sub.Length;
    }
}
