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
        .. Bug(Blocking, "timeout 1e400 (finite as a long double; Redis's ms conversion overflows)",
            d => Redis(d, "ERR timeout is negative") && Ours(d, "ERR timeout is not a float"),
            "Redis answers 'timeout is negative', ours 'timeout is not a float or out of range'"),
        .. Bug("blmpop bzmpop", "invalid timeout together with another invalid argument",
            d => d.Redis.IsError && Ours(d, "ERR timeout is") && !Redis(d, "ERR timeout is"),
            "Redis validates numkeys, keys, LEFT/RIGHT|MIN/MAX and COUNT before the timeout; ours validates the timeout first"),
        .. Bug("sscan hscan zscan", "missing key or key of another type, with an invalid cursor/MATCH/COUNT",
            d => !Ours(d, "WRONGTYPE") && d.Ours.IsError && (IsEmptyScan(d.Redis) || Redis(d, "WRONGTYPE")),
            "Redis looks the key up (empty scan / WRONGTYPE) before it parses COUNT/MATCH and negative cursors; ours rejects the options first"),
        .. Bug("scan sscan hscan zscan", "negative or empty cursor (SCAN -1, HSCAN k \"\")",
            d => Ours(d, "ERR invalid cursor") && (CursorArg(d).StartsWith('-') || CursorArg(d).Length == 0),
            "Redis reads the cursor with strtoul, which accepts a sign and an empty string (SCAN -1 is cursor 2^64-1, \"\" is 0); ours answers 'invalid cursor'"),
        .. Bug("lmove rpoplpush smove", "source missing, destination of another type",
            d => !d.Redis.IsError && Ours(d, "WRONGTYPE"),
            "Redis answers nil/0 when the source is missing without checking the destination's type; ours answers WRONGTYPE"),
        .. Bug("hincrbyfloat", "increment inf/-inf",
            d => Redis(d, "ERR value is NaN or Infinity") && d.Ours.IsError && !Ours(d, "ERR value is NaN or Infinity") && !Ours(d, "WRONGTYPE"),
            "Redis rejects the increment first with 'value is NaN or Infinity'; ours answers 'increment would produce NaN or Infinity', or 'hash value is not a float' when the field is not a number"),
        .. Bug("exec", "WATCHed key 'modified' by a SETBIT that does not change the bit",
            d => d.Redis.Value.Items is not null && d.Ours.Value.Type == RespType.Null,
            "Redis 7.0's SETBIT does not touch the key when the bit already has the value, so EXEC runs (SET k a; WATCH k; SETBIT k 0 0; MULTI; EXEC: Redis *0, ours nil)"),
        .. Bug("incrbyfloat hincrbyfloat zadd zcount zrangebyscore zrevrangebyscore zremrangebyscore", "a number in C hex notation (0x10), which strtod/strtold accept",
            d => AnyArg(d, a => a.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || a.StartsWith("(0x", StringComparison.OrdinalIgnoreCase)) && d.Ours.IsError && (!d.Redis.IsError || Redis(d, "WRONGTYPE")),
            "Redis parses \"0x10\" as 16 (strtod); ours rejects it"),
        .. Bug(ScoreRanges, "score bound \"\" or \"(\" (strtod reads an empty string as 0)",
            d => Ours(d, "ERR min or max is not a float") && !Redis(d, "ERR min or max is not a float"),
            "Redis accepts an empty bound as 0 (or reports WRONGTYPE first); ours answers 'min or max is not a float'"),
        .. Bug("getex", "invalid EX/PX/EXAT/PXAT value on a missing key or a key of another type",
            d => (d.Redis.Value.Type == RespType.Null || Redis(d, "WRONGTYPE")) && d.Ours.IsError && !Ours(d, "WRONGTYPE"),
            "Redis answers nil/WRONGTYPE before validating the expiry; ours validates first"),
        .. Bug("lset lindex", "non-integer index on a missing key or a key of another type",
            d => (Redis(d, "ERR no such key") || Redis(d, "WRONGTYPE") || d.Redis.Value.Type == RespType.Null) && Ours(d, "ERR value is not an integer"),
            "Redis looks the key up before parsing the index; ours parses first"),
        .. Bug("bitcount bitpos", "invalid start/end/unit on a missing key or a key of another type",
            d => (!d.Redis.IsError || Redis(d, "WRONGTYPE")) && d.Ours.IsError && !Ours(d, "WRONGTYPE"),
            "Redis 7.0 looks the key up first (0 / -1 / WRONGTYPE) and parses the range after; ours rejects the range first"),
        .. ByDesign("zrank zrevrank", "a third argument (WITHSCORE is Redis 7.2)",
            d => Redis(d, "ERR wrong number of arguments") && (d.Ours.IsError || d.OursText == "QUEUED"),
            "Arrakis accepts Redis 7.2's WITHSCORE (arity -3): a third argument other than WITHSCORE is a syntax error, and inside MULTI it is queued (docs/compatibility.md)"),
        .. Bug("srandmember hrandfield zrandmember", "count out of Redis's range (-9223372036854775808; +-2^62 with WITHSCORES) on a missing key or a key of another type",
            d => Redis(d, "ERR value is out of range") && (!d.Ours.IsError || Ours(d, "WRONGTYPE") || Ours(d, "ERR syntax error")),
            "Redis validates the count before the lookup, the type check and the remaining arguments; ours answers an empty array, WRONGTYPE or syntax error"),
        .. Bug("bitfield bitfield_ro", "type with an upper-case sign letter (I8, U8)",
            d => Redis(d, "ERR Invalid bitfield type") && AnyArg(d, a => a.Length > 1 && a[0] is 'I' or 'U' && char.IsAsciiDigit(a[1])) && !Ours(d, "ERR Invalid bitfield type"),
            "Redis accepts only lower-case i/u and reports the bad type before the key's type or any later argument; ours accepts upper case"),
        .. Bug("client|list", "TYPE/ID options: both together, extra arguments, or an invalid id",
            d => (d.HasArg("ID") || d.HasArg("TYPE")) && (d.Redis.IsError || d.Ours.IsError),
            "Redis 7.0 takes exactly one of TYPE t / ID id... (anything else is a syntax error) and skips ids <= 0 (CLIENT LIST ID -1 3 answers \"\"); ours parses both options, answers 'Unknown client type' for extra words and 'Invalid client ID'"),
        .. Bug("lpos", "non-integer RANK/COUNT/MAXLEN",
            d => (Redis(d, "ERR MAXLEN can't be negative") || Redis(d, "ERR COUNT can't be negative") || Redis(d, "ERR RANK can't be zero")) && Ours(d, "ERR value is not an integer"),
            "Redis reports the option's own message even when the value is not an integer; ours the generic one"),
        .. Bug("zintercard", "numkeys 0 or negative",
            d => d.Redis.IsError && d.Ours.IsError && (Redis(d, "ERR at least 1 input key") != Ours(d, "ERR at least 1 input key")),
            "error text differs: Redis 'at least 1 input key is needed for 'zintercard' command', ours 'numkeys should be greater than 0'"),
        .. Bug("zrangestore zrange", "LIMIT without BYSCORE/BYLEX: with count -1, or with a non-integer start/stop",
            d => Ours(d, "ERR syntax error, LIMIT") && !Redis(d, "ERR syntax error, LIMIT"),
            "Redis rejects LIMIT with an index range only when count is not -1 (ZRANGESTORE d s 0 1 LIMIT 7 -1 works) and parses start/stop first; ours rejects any LIMIT first"),
        .. Bug("zpopmin zpopmax", "count 0 on a key of another type",
            d => Redis(d, "WRONGTYPE") && !d.Ours.IsError,
            "Redis answers WRONGTYPE; ours answers an empty array for count 0 without checking the type"),
        .. Bug(ZsetReaders, "a score stored as -0 (ZADD/ZINCRBY with -0)",
            d => WithoutNegativeZero(d.Ours.Raw) is var ours && ours != Encoding.Latin1.GetString(d.Ours.Raw) && ours == Encoding.Latin1.GetString(d.Redis.Raw),
            "Redis normalises a -0 score to 0 when storing it (ZSCORE says 0); ours keeps -0"),
        .. Bug("config|get", "a Redis parameter Arrakis does not know (list-max-listpack-size, hash-max-listpack-value, zset-max-listpack-entries, list-compress-depth, ...)",
            d => d.Ours.Value.Items is { } o && d.Redis.Value.Items is { } r && o.Length < r.Length && PairsSubset(o, r),
            "ours leaves out parameters Redis 7.0 has (the ones it answers match)"),
        .. Bug("pfcount pfmerge", "an HLL string corrupted by SETRANGE/APPEND (PFADD k a; APPEND k x; PFCOUNT k)",
            d => Redis(d, "INVALIDOBJ") && !Ours(d, "INVALIDOBJ"),
            "Redis validates the HLL and answers '-INVALIDOBJ Corrupted HLL object detected'; ours answers WRONGTYPE, or a count / OK from the corrupted data"),
        .. Bug("incrbyfloat hincrbyfloat", "results beyond 2^53 (e.g. 30.25 + 18446744073709551616)",
            d => !d.Redis.IsError && !d.Ours.IsError && CloseNumbers(d.RedisText, d.OursText),
            "Redis adds in long double (80-bit) and prints %.17Lg (17 significant digits: SET k 30.25; INCRBYFLOAT k 18446744073709551616 gives 18446744073709551646); ours prints 18446744073709551646.25 or differs in the last digits"),
        .. Bug("lpos", "RANK -9223372036854775808",
            d => Ours(d, "ERR RANK can't be zero") && !Redis(d, "ERR RANK can't be zero") && d.HasArg("-9223372036854775808"),
            "Redis 7.0 accepts RANK LONG_MIN (answers [] / WRONGTYPE / the COUNT error); ours answers 'RANK can't be zero'"),
        .. Bug("expiretime", "an expiry near the end of time (PEXPIREAT k 9223372036854775807)",
            d => !d.Redis.IsError && !d.Ours.IsError && d.Redis.Value.Integer > 0 && d.Ours.Value.Integer < -1,
            "ms-to-s rounding overflows in ours: Redis answers 9223372036854776, ours -9223372036854775"),
        .. Bug("lcs", "a key that is not a string, with invalid options",
            d => Redis(d, "ERR The specified keys must contain string values") && d.Ours.IsError,
            "Redis checks the keys' types before parsing LEN/IDX/MINMATCHLEN; ours parses the options first"),
        .. Bug("zintercard", "numkeys larger than the number of arguments",
            d => Redis(d, "ERR syntax error") && Ours(d, "ERR Number of keys can't be greater"),
            "error text differs: Redis answers 'syntax error'"),
        .. Bug("hincrbyfloat zadd zincrby", "invalid increment/score on a key of another type",
            d => d.Redis.IsError && !Redis(d, "WRONGTYPE") && Ours(d, "WRONGTYPE"),
            "Redis validates the number (NaN/Infinity, not a valid float) before the key's type; ours answers WRONGTYPE first"),
        .. Bug("zunionstore zinterstore zunion zinter", "WEIGHTS value out of double range (1e400, 1e-400)",
            d => Redis(d, "ERR weight value is not a float") && !Ours(d, "ERR weight value is not a float"),
            "Redis answers 'weight value is not a float'; ours 'syntax error' (*STORE) or accepts it (ZUNION/ZINTER)"),
        .. Bug("incrbyfloat hincrbyfloat", "increment beyond double range (1e400, -1e400)",
            d => !d.Redis.IsError && Ours(d, "ERR increment would produce NaN or Infinity"),
            "Redis computes in long double (1e400 is finite) and answers the huge value; ours rejects it"),
        .. Bug("zincrby zadd", "score/increment beyond double range (1e400, -1e400)",
            d => Redis(d, "ERR value is not a valid float") && !d.Ours.IsError,
            "Redis rejects an out-of-range double (strtod ERANGE); ours stores inf"),
        .. Bug("pubsub|channels pubsub|shardchannels slowlog|get", "too many arguments (more than one pattern / count)",
            d => Redis(d, "ERR unknown subcommand or wrong number of arguments") && Ours(d, "ERR wrong number of arguments"),
            "error text differs: Redis answers \"unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\" (the commands check their own argc)"),
        .. ByDesign("command|docs command|info", "a container command (CLIENT, CONFIG, OBJECT, ...) among the names",
            d => AnyArg(d, a => Containers.Contains(a.ToLowerInvariant())),
            "Arrakis documents only the subcommands it implements"),
        .. StateBug("zadd zincrby zunionstore zinterstore zdiffstore zrangestore", "a score of -0",
            d => d.OursText.Replace("\"-0\"", "\"0\"", StringComparison.Ordinal) == d.RedisText,
            "Redis stores a -0 score as 0; ours keeps -0 (ZADD k -0 m; ZSCORE k m: Redis 0, ours -0)"),
        .. StateBug("zadd zincrby incrbyfloat hincrbyfloat", "a number in C hex notation (0x10)",
            d => AnyArg(d, a => a.StartsWith("0x", StringComparison.OrdinalIgnoreCase)),
            "the state side of the hex entry above: Redis stores the value, ours rejected the command"),
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
