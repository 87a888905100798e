using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Decides whether our reply matches Redis's. Byte for byte unless the table below says otherwise,
/// and errors are always compared byte for byte. <paramref name="redisEncoding"/> answers OBJECT
/// ENCODING for a key on the Redis side (null if absent); it is only asked for the commands whose
/// order depends on it. Replies inside EXEC are compared with the rules of the queued commands.
/// </summary>
internal sealed class ReplyComparer(Func<byte[], string?> redisEncoding)
{
    /// <summary>The exceptions to byte-for-byte comparison, each with its reason.</summary>
    private static readonly Dictionary<string, (CompareRule Rule, string Reason)> Rules = new(StringComparer.Ordinal)
    {
        // Iteration order of a hashtable depends on Redis's per-process random hash seed. Intsets are
        // sorted and listpacks keep insertion order, so those orders are defined and must match.
        ["smembers"] = (CompareRule.UnorderedIfHashtable, "hashtable set order is undefined"),
        ["sinter"] = (CompareRule.UnorderedIfHashtable, "iterates a set; undefined for hashtable sets"),
        ["sunion"] = (CompareRule.UnorderedIfHashtable, "builds a set; undefined once it is a hashtable"),
        ["sdiff"] = (CompareRule.UnorderedIfHashtable, "builds a set; undefined once it is a hashtable"),
        ["hkeys"] = (CompareRule.UnorderedIfHashtable, "hashtable hash order is undefined"),
        ["hvals"] = (CompareRule.UnorderedIfHashtable, "hashtable hash order is undefined"),
        ["hgetall"] = (CompareRule.UnorderedIfHashtable, "hashtable hash order is undefined (compared as field/value pairs)"),
        ["keys"] = (CompareRule.Unordered, "the main dictionary is always a hashtable"),
        ["scan"] = (CompareRule.Scan, "cursor encodes stripe/slot in Arrakis, reversed bucket bits in Redis (by design)"),
        ["sscan"] = (CompareRule.Scan, "as SCAN; intset/listpack scans finish in one call with a defined order"),
        ["hscan"] = (CompareRule.Scan, "as SSCAN"),
        ["zscan"] = (CompareRule.Scan, "as SSCAN"),
        ["config|get"] = (CompareRule.Unordered, "Redis collects the matches in a dict and answers in its (hash) order; compared as name/value pairs"),
        ["srandmember"] = (CompareRule.Shape, "random members"),
        ["hrandfield"] = (CompareRule.Shape, "random fields"),
        ["zrandmember"] = (CompareRule.Shape, "random members"),
        ["spop"] = (CompareRule.Shape, "random members (the key is re-synchronised afterwards)"),
        ["randomkey"] = (CompareRule.Shape, "random key"),
        ["ttl"] = (CompareRule.NearInteger, "read a moment apart on the two servers"),
        ["pttl"] = (CompareRule.NearInteger, "as TTL"),
        ["expiretime"] = (CompareRule.NearInteger, "set from a relative time a moment apart"),
        ["pexpiretime"] = (CompareRule.NearInteger, "as EXPIRETIME"),
        ["object|idletime"] = (CompareRule.Shape, "depends on the moment of the last access"),
        ["info"] = (CompareRule.TypeOnly, "instance-specific (pid, ports, memory, counters)"),
        ["time"] = (CompareRule.Shape, "the clock"),
        ["lastsave"] = (CompareRule.TypeOnly, "start time of each process"),
        ["client|id"] = (CompareRule.TypeOnly, "ids are per instance"),
        ["client|info"] = (CompareRule.TypeOnly, "ids, addresses, ages are per instance"),
        ["client|list"] = (CompareRule.TypeOnly, "ids, addresses, ages are per instance"),
        ["memory|usage"] = (CompareRule.TypeOnly, "allocator-specific sizes"),
        ["dump"] = (CompareRule.ExactUnlessHashtable, "a hashtable set/hash is serialized in the table's (hash seed) order; listpacks, intsets, lists, skiplists and strings byte for byte"),
        ["memory|stats"] = (CompareRule.TypeOnly, "allocator-specific"),
        ["memory|doctor"] = (CompareRule.TypeOnly, "allocator-specific"),
        ["memory|malloc-stats"] = (CompareRule.TypeOnly, "allocator-specific"),
        ["slowlog|get"] = (CompareRule.TypeOnly, "depends on each command's duration"),
        ["slowlog|len"] = (CompareRule.TypeOnly, "depends on each command's duration"),
        ["command"] = (CompareRule.TypeOnly, "Arrakis lists only the commands it implements (by design)"),
        ["command|count"] = (CompareRule.TypeOnly, "Arrakis counts only the commands it implements (by design)"),
        ["command|list"] = (CompareRule.TypeOnly, "Arrakis lists only the commands it implements (by design)"),
        ["sort"] = (CompareRule.ShapeIfHashOrder, "a hashtable set's own order (BY without '*'), or ALPHA ties under a BY pattern, which Redis leaves in its hash table's order (the key is re-synchronised afterwards)"),
        ["sort_ro"] = (CompareRule.ShapeIfHashOrder, "as SORT"),
    };

    /// <summary>The rule used for <paramref name="command"/>.</summary>
    public static CompareRule RuleFor(string command) => Rules.TryGetValue(command, out var r) ? r.Rule : CompareRule.Exact;

    /// <summary>True if the replies match under the command's rule; <paramref name="queued"/> are the commands an EXEC ran.</summary>
    public bool Same(FuzzCommand cmd, Reply redis, Reply ours, IReadOnlyList<FuzzCommand>? queued = null)
    {
        if (redis.Raw.AsSpan().SequenceEqual(ours.Raw)) return true;
        if (redis.IsError || ours.IsError) return false;
        if (cmd.Name == "exec" && queued is not null) return SameExec(redis.Value, ours.Value, queued);
        return SameValue(cmd, redis.Value, ours.Value);
    }

    private bool SameExec(RespValue redis, RespValue ours, IReadOnlyList<FuzzCommand> queued)
    {
        if (redis.Items is not { } r || ours.Items is not { } o || r.Length != o.Length || r.Length != queued.Count || redis.Type != ours.Type) return false;
        for (int i = 0; i < r.Length; i++)
        {
            if (!SameValue(queued[i], r[i], o[i])) return false;
        }
        return true;
    }

    /// <summary>Compares one parsed value (e.g. one element of an EXEC reply) under <paramref name="cmd"/>'s rule.</summary>
    public bool SameValue(FuzzCommand cmd, RespValue redis, RespValue ours)
    {
        if (Canonical(redis, sort: false) == Canonical(ours, sort: false)) return true;
        if (redis.Type is RespType.Error or RespType.BulkError) return false;
        if (RacyExpiryComparison(cmd, redis, ours)) return true;
        return RuleFor(cmd.Name) switch
        {
            CompareRule.Unordered => SameUnordered(redis, ours, pairs: cmd.Name == "config|get"),
            CompareRule.UnorderedIfHashtable => AnyUnorderedEncoding(cmd.Keys) && SameUnordered(redis, ours, pairs: cmd.Name == "hgetall"),
            CompareRule.Shape => SameShape(redis, ours),
            CompareRule.TypeOnly => redis.Type == ours.Type,
            CompareRule.ExactUnlessHashtable => cmd.Keys.Any(k => redisEncoding(k) is "hashtable") && redis.Type == ours.Type,
            // Elements in hash order: the same multiset (a GET pattern's nil and value trade places) or the same shape.
            CompareRule.ShapeIfHashOrder => ShowsHashOrder(cmd) && (SameShape(redis, ours) || SameUnordered(redis, ours, pairs: false)),
            CompareRule.NearInteger => NearInteger(cmd.Name, redis, ours),
            CompareRule.Scan => SameScan(cmd, redis, ours),
            _ => false,
        };
    }

    /// <summary>
    /// EXPIRE/PEXPIRE GT|LT with a relative time compares now+ttl against the expiry an earlier relative
    /// EXPIRE set: whether they are equal depends on whether a millisecond passed in between on each
    /// server, so 0 against 1 is a race, not a difference (the expiries differ by that millisecond only).
    /// </summary>
    private static bool RacyExpiryComparison(FuzzCommand cmd, RespValue redis, RespValue ours) =>
        cmd.Name is "expire" or "pexpire"
        && redis.Type == RespType.Integer && ours.Type == RespType.Integer
        && redis.Integer is 0 or 1 && ours.Integer is 0 or 1
        && cmd.Args.Skip(3).Any(a => Encoding.ASCII.GetString(a).ToUpperInvariant() is "GT" or "LT");

    /// <summary>
    /// A SORT or SORT_RO whose order is Redis's hash table's (random hash seed): a hashtable set with
    /// a BY pattern without '*' and no STORE (its own order), or ALPHA with a BY pattern on a
    /// hashtable set or a sorted set (ties stay in load order, and Redis loads both from a dict).
    /// </summary>
    public bool ShowsHashOrder(FuzzCommand cmd)
    {
        if (cmd.Name is not ("sort" or "sort_ro") || cmd.Keys.Count == 0) return false;
        bool alpha = false, store = false, starBy = false, plainBy = false;
        for (int i = 2; i < cmd.Args.Length; i++)
        {
            string word = Encoding.Latin1.GetString(cmd.Args[i]).ToUpperInvariant();
            if (word == "ALPHA") alpha = true;
            else if (word == "LIMIT") i += 2;
            else if (word == "GET") i++;
            else if (word == "STORE" && i + 1 < cmd.Args.Length)
            {
                store = true;
                i++;
            }
            else if (word == "BY" && i + 1 < cmd.Args.Length)
            {
                var pattern = cmd.Args[++i];
                int nul = Array.IndexOf(pattern, (byte)0);
                if (Array.IndexOf(pattern, (byte)'*', 0, nul < 0 ? pattern.Length : nul) >= 0) starBy = true;
                else plainBy = true;
            }
        }
        string? encoding = redisEncoding(cmd.Keys[0]);
        return (encoding == "hashtable" && plainBy && !store) || (encoding is "hashtable" or "skiplist" && alpha && starBy && !plainBy);
    }

    private bool AnyUnorderedEncoding(IReadOnlyList<byte[]> keys) => keys.Any(k => redisEncoding(k) is "hashtable" or "skiplist");

    private bool SameScan(FuzzCommand cmd, RespValue redis, RespValue ours)
    {
        if (redis.Items is not [var rc, var re] || ours.Items is not [var oc, var oe] || re.Items is null || oe.Items is null) return false;
        bool startedAtZero = cmd.Args.Length > cmd.Keys.Count + 1 && cmd.Args[cmd.Keys.Count + 1] is [(byte)'0'];
        if (!startedAtZero || rc.Text != "0") return redis.Type == ours.Type && re.Type == oe.Type;
        bool pairs = cmd.Name is "hscan" or "zscan";
        // SCAN guarantees only that a full iteration returns every element: Redis finishing a small
        // collection in one call while ours pages is fine as long as ours returns nothing Redis lacks.
        if (oc.Text != "0") return IsSubset(oe, re, pairs);
        if (cmd.Name == "scan" || AnyUnorderedEncoding(cmd.Keys)) return SameUnordered(re, oe, pairs);
        return Canonical(re, sort: false) == Canonical(oe, sort: false);
    }

    private static bool IsSubset(RespValue part, RespValue whole, bool pairs)
    {
        var all = Elements(whole, pairs).ToList();
        foreach (var e in Elements(part, pairs))
        {
            if (!all.Remove(e)) return false;
        }
        return true;
    }

    private static IEnumerable<string> Elements(RespValue v, bool pairs)
    {
        var items = v.Items ?? [];
        int step = pairs ? 2 : 1;
        for (int i = 0; i + step - 1 < items.Length; i += step)
        {
            yield return step == 2 ? Canonical(items[i], false) + "=" + Canonical(items[i + 1], false) : Canonical(items[i], false);
        }
    }

    private static bool NearInteger(string command, RespValue redis, RespValue ours)
    {
        if (redis.Type != RespType.Integer || ours.Type != RespType.Integer) return false;
        long tolerance = command.StartsWith('p') ? 500 : 1;
        return redis.Integer >= 0 == ours.Integer >= 0 && Math.Abs(redis.Integer - ours.Integer) <= tolerance;
    }

    private static bool SameUnordered(RespValue redis, RespValue ours, bool pairs) =>
        redis.Type == ours.Type && Canonical(redis, sort: true, pairs) == Canonical(ours, sort: true, pairs);

    /// <summary>Same types, null kinds, error texts and element counts, recursively.</summary>
    public static bool SameShape(RespValue a, RespValue b)
    {
        if (a.Type != b.Type || a.IsNullAggregate != b.IsNullAggregate) return false;
        if (a.Type is RespType.Error or RespType.BulkError) return a.Text == b.Text;
        if (a.Items is null || b.Items is null) return a.Items is null && b.Items is null;
        return a.Items.Length == b.Items.Length && a.Items.Zip(b.Items).All(p => SameShape(p.First, p.Second));
    }

    /// <summary>A text form of a value; with <paramref name="sort"/> its top-level elements (or pairs) are sorted.</summary>
    public static string Canonical(RespValue v, bool sort, bool pairs = false)
    {
        if (v.Items is null) return $"{(char)v.Type}{(v.IsNullAggregate ? "*" : "")}{Escape.Quote(v.Bytes ?? [], abbreviate: false)}";
        var parts = new List<string>();
        bool pairwise = pairs || v.Type is RespType.Map or RespType.Attribute;
        int step = sort && pairwise ? 2 : 1;
        for (int i = 0; i < v.Items.Length; i += step)
        {
            var sb = new StringBuilder(Canonical(v.Items[i], false));
            if (step == 2 && i + 1 < v.Items.Length) sb.Append('=').Append(Canonical(v.Items[i + 1], false));
            parts.Add(sb.ToString());
        }
        if (sort) parts.Sort(StringComparer.Ordinal);
        return $"{(char)v.Type}[{string.Join(",", parts)}]";
    }
}
