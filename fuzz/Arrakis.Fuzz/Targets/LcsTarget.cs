using Arrakis.Fuzz.Oracles;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// LCS over two fuzzed strings: input = string a, NUL, string b, NUL, options separated by spaces
/// (e.g. "IDX MINMATCHLEN 2 WITHMATCHLEN"); a and b are cut to 256 bytes to keep the table small.
/// Runs LCS with the options, plain LCS and LCS LEN, and checks plain LCS against a reference:
/// a common subsequence of both strings, as long as the reference table's, equal to LEN.
/// </summary>
internal static class LcsTarget
{
    private const int MaxLength = 256;

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > 2000) data = data[..2000]; // even 2000 empty options fit the harness's 16 KB request
        var parts = Arguments.Split(data, 0, max: 3);
        var a = parts[0].AsSpan(0, Math.Min(parts[0].Length, MaxLength)).ToArray();
        var b = parts.Count > 1 ? parts[1].AsSpan(0, Math.Min(parts[1].Length, MaxLength)).ToArray() : [];
        Commands.Reset();
        if (a.Length > 0) Commands.Run(B("SET"), B("a"), a);
        if (b.Length > 0) Commands.Run(B("SET"), B("b"), b);
        if (parts.Count > 2)
        {
            var argv = new List<byte[]> { B("LCS"), B("a"), B("b") };
            argv.AddRange(Arguments.Split(parts[2], (byte)' '));
            Commands.Run([.. argv]);
        }
        var lcs = Commands.Bulk(Commands.Run(B("LCS"), B("a"), B("b")))
            ?? throw new FuzzFailure("plain LCS did not reply a string");
        long? length = Commands.Integer(Commands.Run(B("LCS"), B("a"), B("b"), B("LEN")));
        int expected = ReferenceLcs.Length(a, b);
        if (lcs.Length != expected || length != expected)
            throw new FuzzFailure($"LCS length {lcs.Length}, LEN {length}, reference {expected}");
        if (!ReferenceLcs.IsSubsequence(lcs, a) || !ReferenceLcs.IsSubsequence(lcs, b))
            throw new FuzzFailure("LCS is not a subsequence of both strings");
    }

    private static byte[] B(string s) => Commands.Bytes(s);
}
