namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Commands the fuzzer never sends, each with the reason. Everything excluded here either changes the
/// connection or the server in a way that would desynchronise the two sides of the comparison (or the
/// runner's one-request-one-reply reading), or can hang/kill a server on purpose. Constraints on the
/// commands that ARE sent (tiny blocking timeouts, no short expiries) live in <see cref="ValuePools"/>
/// and <see cref="CommandGenerator"/>.
/// </summary>
internal static class FuzzExclusions
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["shutdown"] = "stops the server",
        ["debug"] = "can crash, sleep or reload the server on purpose",
        ["monitor"] = "turns the connection into a stream of unsolicited lines",
        ["subscribe"] = "enters subscriber mode: replies become pushes and most commands are refused",
        ["psubscribe"] = "as SUBSCRIBE",
        ["ssubscribe"] = "as SUBSCRIBE",
        ["hello"] = "switches protocol and returns instance-specific server data; the runner sends HELLO 3 itself",
        ["auth"] = "no password is configured on either side; AUTH paths are covered by other tests",
        ["quit"] = "closes the connection",
        ["reset"] = "drops the connection back to RESP2 and db 0 behind the runner's back",
        ["select"] = "the dumps and re-synchronisation run on db 0 of a control connection; MOVE/SWAPDB cover db 1",
        ["client|kill"] = "can close the fuzzing connection (ids differ between the servers)",
        ["client|pause"] = "stalls every client on one side",
        ["client|unpause"] = "only meaningful with CLIENT PAUSE",
        ["client|reply"] = "OFF/SKIP suppress replies: one request would no longer mean one reply",
        ["client|unblock"] = "takes a client id, and ids differ between the servers",
        ["client|tracking"] = "RESP3 invalidation pushes arrive unsolicited",
        ["client|caching"] = "only meaningful with CLIENT TRACKING",
        ["client|getredir"] = "only meaningful with CLIENT TRACKING",
        ["client|trackinginfo"] = "only meaningful with CLIENT TRACKING",
        ["client|setinfo"] = "Redis 7.2 (not in 7.0's docs)",
        ["client|no-touch"] = "Redis 7.2 (not in 7.0's docs)",
        ["config|set"] = "changes server behaviour (encodings, limits) on one run's both sides; covered by CONFIG tests",
        ["config|resetstat"] = "resets INFO counters: harmless but pointless, INFO is compared by shape only",
        ["config|rewrite"] = "writes the config file",
        ["slowlog|reset"] = "SLOWLOG is timing-dependent and compared by shape; resetting adds nothing",
        ["wait"] = "replication: blocks for the timeout with no replicas",
        ["failover"] = "replication",
        ["replicaof"] = "replication",
        ["slaveof"] = "replication",
        ["sync"] = "replication",
        ["psync"] = "replication",
        ["script|debug"] = "YES/SYNC turn Redis's next EVAL into a Lua debugger session (Arrakis refuses them: no LDB)",
        ["save"] = "writes an RDB file on the Redis side",
        ["bgsave"] = "writes an RDB file on the Redis side",
        ["bgrewriteaof"] = "writes files on the Redis side",
    };

    /// <summary>True if <paramref name="name"/> (lower case, subcommands as <c>container|sub</c>) is never sent.</summary>
    public static bool IsExcluded(string name) => Reasons.ContainsKey(name);

    /// <summary>The reason a command is excluded, or null.</summary>
    public static string? Reason(string name) => Reasons.GetValueOrDefault(name);
}
