using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Strings;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], with Redis 7.0's dynamic
/// programming table and its exact backtracking (so IDX ranges come out in Redis's order).</summary>
internal static class Lcs
{
    private readonly record struct Options(bool Len, bool Idx, bool WithMatchLen, long MinMatchLen);

    private readonly record struct Match(long A0, long A1, long B0, long B1, long Len);

    public static void Execute(CommandContext c)
    {
        // Redis looks the keys up (and checks their types) before it parses the options.
        var db = c.Db;
        object? oa = db.Get(c.Arg(1)), ob = db.Get(c.Arg(2));
        if (oa is not (null or byte[]) || ob is not (null or byte[]))
        {
            c.Error("ERR The specified keys must contain string values");
            return;
        }
        if (!TryParseOptions(c, out var options)) return;
        if (options.Idx && options.Len)
        {
            c.Error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        byte[] a = (byte[]?)oa ?? [], b = (byte[]?)ob ?? [];
        var table = TryAllocateTable(c, a.Length, b.Length);
        if (table is null) return;
        Fill(table, a, b);
        uint lcsLength = table[^1];
        if (options.Len)
        {
            c.Reply.WriteInteger(lcsLength);
            return;
        }
        var result = new byte[lcsLength];
        var matches = Backtrack(table, a, b, options.MinMatchLen, result);
        if (options.Idx) WriteIdx(c.Reply, matches, options.WithMatchLen, lcsLength);
        else c.Reply.WriteBulk(result);
    }

    private static bool TryParseOptions(CommandContext c, out Options options)
    {
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        options = default;
        for (int j = 3; j < c.ArgCount; j++)
        {
            bool moreArgs = c.ArgCount - 1 - j > 0;
            if (c.ArgIs(j, "IDX")) getIdx = true;
            else if (c.ArgIs(j, "LEN")) getLen = true;
            else if (c.ArgIs(j, "WITHMATCHLEN")) withMatchLen = true;
            else if (c.ArgIs(j, "MINMATCHLEN") && moreArgs)
            {
                if (!c.TryArgLong(j + 1, out minMatchLen)) return false;
                if (minMatchLen < 0) minMatchLen = 0;
                j++;
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        options = new Options(getLen, getIdx, withMatchLen, minMatchLen);
        return true;
    }

    /// <summary>The (alen+1) x (blen+1) table, or null after replying Redis's memory error.</summary>
    private static uint[]? TryAllocateTable(CommandContext c, int alen, int blen)
    {
        long cells = (long)(alen + 1) * (blen + 1);
        if (cells > uint.MaxValue / 4 || cells * 4 > c.Server.Options.ProtoMaxBulkLen)
        {
            c.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return null;
        }
        try
        {
            return new uint[cells];
        }
        catch (OutOfMemoryException)
        {
            c.Error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return null;
        }
    }

    /// <summary>table[i, j] = length of the LCS of a[..i] and b[..j].</summary>
    private static void Fill(uint[] table, byte[] a, byte[] b)
    {
        int width = b.Length + 1;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                table[i * width + j] = a[i - 1] == b[j - 1]
                    ? table[(i - 1) * width + j - 1] + 1
                    : Math.Max(table[(i - 1) * width + j], table[i * width + j - 1]);
            }
        }
    }

    /// <summary>Walks the table back from the end as Redis does, filling <paramref name="result"/> and
    /// collecting the matched ranges of at least <paramref name="minMatchLen"/> bytes.</summary>
    private static List<Match> Backtrack(uint[] table, byte[] a, byte[] b, long minMatchLen, byte[] result)
    {
        int alen = a.Length, width = b.Length + 1;
        var matches = new List<Match>();
        long idx = result.Length;
        int ia = alen, ib = b.Length;
        long aStart = alen, aEnd = 0, bStart = 0, bEnd = 0;
        while (ia > 0 && ib > 0)
        {
            bool emit = false;
            if (a[ia - 1] == b[ib - 1])
            {
                result[idx - 1] = a[ia - 1];
                if (aStart == alen)
                {
                    aStart = ia - 1; aEnd = ia - 1; bStart = ib - 1; bEnd = ib - 1;
                }
                else if (aStart == ia && bStart == ib)
                {
                    aStart--; bStart--;
                }
                else
                {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                idx--; ia--; ib--;
            }
            else
            {
                uint l1 = table[(ia - 1) * width + ib], l2 = table[ia * width + ib - 1];
                if (l1 > l2) ia--; else ib--;
                if (aStart != alen) emit = true;
            }
            long matchLen = aEnd - aStart + 1;
            if (emit)
            {
                if (minMatchLen == 0 || matchLen >= minMatchLen) matches.Add(new Match(aStart, aEnd, bStart, bEnd, matchLen));
                aStart = alen;
            }
        }
        return matches;
    }

    private static void WriteIdx(RespWriter w, List<Match> matches, bool withMatchLen, uint lcsLength)
    {
        w.WriteMapHeader(2);
        w.WriteBulk("matches"u8);
        w.WriteArrayHeader(matches.Count);
        foreach (var m in matches)
        {
            w.WriteArrayHeader(withMatchLen ? 3 : 2);
            w.WriteArrayHeader(2); w.WriteInteger(m.A0); w.WriteInteger(m.A1);
            w.WriteArrayHeader(2); w.WriteInteger(m.B0); w.WriteInteger(m.B1);
            if (withMatchLen) w.WriteInteger(m.Len);
        }
        w.WriteBulk("len"u8);
        w.WriteInteger(lcsLength);
    }
}
