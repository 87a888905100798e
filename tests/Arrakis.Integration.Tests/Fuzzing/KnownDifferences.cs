using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// The differences the command fuzzer tolerates today. Every <see cref="DifferenceCategory.Bug"/> entry
/// is something to fix in the server (remove the entry with the fix); <see cref="DifferenceCategory.ByDesign"/>
/// entries carry their reason. Entries are specific: a command plus the condition (usually Redis's and
/// our reply, sometimes an argument) under which the two differ — never a whole command.
/// Crashes and hangs are never listed here.
/// </summary>
internal static class KnownDifferences
{
    private const string Blocking = "blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax bzmpop";
    private const string ScoreRanges = "zrangebyscore zrevrangebyscore zremrangebyscore zcount zrange zrangestore";
    private const string ZsetReaders = "zscore zmscore zrange zrangebyscore zrevrangebyscore zrevrange zrangestore zincrby zpopmin zpopmax zmpop bzpopmin bzpopmax bzmpop zunion zinter zdiff zscan zunionstore zinterstore zdiffstore zadd zrandmember exec";

    private static readonly HashSet<string> Containers = new(StringComparer.Ordinal) { "client", "config", "object", "slowlog", "pubsub", "memory", "command" };

    public static readonly IReadOnlyList<KnownDifference> All =
    [
        .. ByDesign("zrank zrevrank", "a third argument (WITHSCORE is Redis 7.2)",
            d => Redis(d, "ERR wrong number of arguments") && (d.Ours.IsError || d.OursText == "QUEUED"),
            "Arrakis accepts Redis 7.2's WITHSCORE (arity -3): a third argument other than WITHSCORE is a syntax error, and inside MULTI it is queued (docs/compatibility.md)"),
        .. ByDesign("client|help config|help command|help memory|help object|help pubsub|help slowlog|help", "HELP of a container with subcommands Arrakis does not implement",
            d => d.Redis.Value.Items is { } theirs && d.Ours.Value.Items is { } ours && IsSubsequence(ours.Select(l => l.Text), theirs.Select(l => l.Text)),
            "Redis's own help text, keeping only the entries of implemented subcommands (docs/compatibility.md)"),
        .. ByDesign("xadd", "an ID the server generates ('*' or 'ms-*')",
            d => d.Redis.Value.Type == RespType.BulkString && d.Ours.Value.Type == RespType.BulkString && AnyArg(d, a => a == "*" || a.EndsWith("-*", StringComparison.Ordinal)),
            "each server takes the ID from its own clock (or sequence), so the two may differ by a millisecond"),
        .. ByDesign("command|docs command|info", "a container command (CLIENT, CONFIG, OBJECT, ...) among the names",
            d => AnyArg(d, a => Containers.Contains(a.ToLowerInvariant())),
            "Arrakis documents only the subcommands it implements"),
        .. ByDesign("command|docs command|info", "no arguments (all commands)",
            d => d.Command.Args.Length == 2,
            "Arrakis lists only the commands it implements (docs/architecture.md: only commands with a handler are in the table)"),
    ];

    /// <summary>The entry that tolerates <paramref name="d"/>, or null.</summary>
    public static KnownDifference? Find(Difference d) => All.FirstOrDefault(k => k.Matches(d));

    private static IEnumerable<KnownDifference> Bug(string commands, string condition, Func<Difference, bool> when, string reason) =>
        commands.Split(' ').Select(c => new KnownDifference(c, DifferenceCategory.Bug, condition, d => !d.IsState && when(d), reason));

    private static IEnumerable<KnownDifference> StateBug(string commands, string condition, Func<Difference, bool> when, string reason) =>
        commands.Split(' ').Select(c => new KnownDifference(c, DifferenceCategory.Bug, "keyspace after the command: " + condition, d => d.IsState && when(d), reason));

    private static IEnumerable<KnownDifference> ByDesign(string commands, string condition, Func<Difference, bool> when, string reason) =>
        commands.Split(' ').Select(c => new KnownDifference(c, DifferenceCategory.ByDesign, condition, d => !d.IsState && when(d), reason));

    private static bool IsSubsequence(IEnumerable<string> part, IEnumerable<string> whole)
    {
        using var w = whole.GetEnumerator();
        foreach (var line in part)
        {
            do
            {
                if (!w.MoveNext()) return false;
            }
            while (w.Current != line);
        }
        return true;
    }

    private static bool Redis(Difference d, string prefix) => d.Redis.IsError && d.RedisText.StartsWith(prefix, StringComparison.Ordinal);

    private static bool Ours(Difference d, string prefix) => d.Ours.IsError && d.OursText.StartsWith(prefix, StringComparison.Ordinal);

    private static bool AnyArg(Difference d, Func<string, bool> test) => d.Command.Args.Any(a => test(Encoding.Latin1.GetString(a)));

    /// <summary>The reply with every "-0" score (bulk string or RESP3 double) written as "0".</summary>
    private static string WithoutNegativeZero(byte[] raw) =>
        Encoding.Latin1.GetString(raw).Replace("$2\r\n-0\r\n", "$1\r\n0\r\n", StringComparison.Ordinal).Replace(",-0\r\n", ",0\r\n", StringComparison.Ordinal);

    private static bool CloseNumbers(string a, string b) =>
        a != b && double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out double x) && double.TryParse(b, System.Globalization.CultureInfo.InvariantCulture, out double y)
        && Math.Abs(x - y) <= Math.Abs(x) * 1e-15;

    private static bool PairsSubset(RespValue[] part, RespValue[] whole)
    {
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < whole.Length; i += 2) pairs.Add(whole[i].Text + "=" + whole[i + 1].Text);
        for (int i = 0; i + 1 < part.Length; i += 2)
        {
            if (!pairs.Contains(part[i].Text + "=" + part[i + 1].Text)) return false;
        }
        return true;
    }

    private static string CursorArg(Difference d) =>
        d.Command.Args.Length > (d.Command.Name == "scan" ? 1 : 2) ? Encoding.Latin1.GetString(d.Command.Args[d.Command.Name == "scan" ? 1 : 2]) : "";

    private static bool IsEmptyScan(Reply r) => r.Value.Items is [{ Text: "0" }, { Items.Length: 0 }];
}
