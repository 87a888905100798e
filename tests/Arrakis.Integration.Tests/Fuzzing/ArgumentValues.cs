namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Chooses the bytes for one non-key, non-token argument from its COMMAND DOCS type and name, with the
/// safety constraints the generic pools cannot know: blocking timeouts are always tiny, relative
/// expiries are never short, and offsets/counts that would make a server allocate hundreds of MB
/// (SETBIT 4294967295; SRANDMEMBER -2147483648 or -9223372036854775807, which
/// Redis accepts and answers with that many random members) are never generated. Edge values replace an ordinary
/// value now and then wherever they cannot do that harm.
/// </summary>
internal sealed class ArgumentValues(ValuePools pools, IReadOnlyList<string> commandNames)
{
    private static readonly string[] SafeOffsets = ["0", "1", "7", "8", "15", "63", "64", "100", "1000", "-1", "abc", "", "4294967296", "18446744073709551616", "9223372036854775807"];
    private static readonly string[] SafeCounts = ["0", "1", "2", "3", "5", "10", "-1", "-2", "-3", "-5", "-10", "9223372036854775807", "-9223372036854775808", "4611686018427387904", "abc", ""];
    private static readonly string[] BitfieldTypes = ["u8", "i8", "u1", "i1", "u16", "i64", "u63", "u64", "i65", "x8", "u0", "I8", ""];
    private static readonly string[] Dbs = ["0", "1", "1", "0", "15", "16", "-1", "abc", ""];
    private static readonly string[] Sections = ["server", "keyspace", "clients", "memory", "all", "everything", "default", "nosuchsection", "commandstats"];

    /// <summary>The value for argument <paramref name="a"/> of <paramref name="spec"/>.</summary>
    public byte[] For(CommandSpec spec, ArgumentSpec a)
    {
        if (Guarded(spec, a) is { } guarded) return guarded;
        if (pools.Chance(0.03)) return pools.Chance(0.8) ? pools.Edge() : pools.Binary();
        return a.Type switch
        {
            "integer" => Integer(a.Name),
            "double" => pools.Double(),
            "pattern" => pools.Pattern(),
            _ => Text(spec, a.Name),
        };
    }

    /// <summary>Arguments whose values are constrained for safety or determinism (never edge-replaced).</summary>
    private byte[]? Guarded(CommandSpec spec, ArgumentSpec a)
    {
        if (a.Type == "unix-time") return pools.UnixTime();
        if (spec.IsBlocking && a.Name == "timeout") return pools.BlockingTimeout();
        // XREAD/XREADGROUP BLOCK: relative times would block for "0" (forever) or 2^31 ms (seen: both servers hung).
        if (spec.IsBlocking && a.Name == "milliseconds") return pools.BlockingMilliseconds();
        if (a.Name is "seconds" or "milliseconds") return pools.RelativeTime();
        // RESTORE's ttl (milliseconds, or a Unix time in ms with ABSTTL): a short one expires at slightly
        // different moments on the two servers (seen: RESTORE k4 4 ... REPLACE, then the key on one only).
        if (spec.Name == "restore" && a.Name == "ttl") return pools.RelativeTime();
        if (spec.Name is "setbit" or "setrange" or "bitfield" or "bitfield_ro" && a.Name == "offset") return Offset(spec.Name);
        if (spec.Name is "srandmember" or "hrandfield" or "zrandmember" && a.Name == "count") return ValuePools.Utf8(pools.Pick(SafeCounts));
        if (spec.Name == "setbit" && a.Name == "value") return ValuePools.Utf8(pools.Pick(new[] { "0", "1", "1", "2", "-1", "" }));
        if (a.Name is "db" or "destination-db" or "index1" or "index2") return ValuePools.Utf8(pools.Pick(Dbs));
        return null;
    }

    private byte[] Offset(string command)
    {
        string o = pools.Pick(SafeOffsets);
        if (command.StartsWith("bitfield", StringComparison.Ordinal) && pools.Chance(0.3)) o = "#" + o;
        return ValuePools.Utf8(o);
    }

    private byte[] Integer(string name) => name switch
    {
        "cursor" => pools.Chance(0.8) ? ValuePools.Utf8("0") : pools.Integer(),
        _ => pools.Integer(),
    };

    private byte[] Text(CommandSpec spec, string name) => name switch
    {
        "member" or "element" or "pivot" or "field" or "item" => pools.Member(),
        "channel" or "shardchannel" => ValuePools.Utf8("ch" + pools.Rng.Next(3)),
        "encoding" when spec.Name.StartsWith("bitfield", StringComparison.Ordinal) => ValuePools.Utf8(pools.Pick(BitfieldTypes)),
        "start" or "stop" or "min" or "max" => pools.RangeBound(),
        "parameter" => pools.ConfigParameter(),
        "connection-name" => ValuePools.Utf8(pools.Pick(new[] { "conn1", "conn2", "", "with space", "a\nb" })),
        "command-name" or "command" => ValuePools.Utf8(pools.Chance(0.9) ? pools.Pick(commandNames).Split('|')[0] : "nosuchcommand"),
        "section" => ValuePools.Utf8(pools.Pick(Sections)),
        "category" => ValuePools.Utf8(pools.Pick(new[] { "string", "keyspace", "fast", "nosuchcategory" })),
        "arg" => pools.Chance(0.5) ? pools.Key() : pools.Value(),
        _ => pools.Value(),
    };
}
