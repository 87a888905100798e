using Arrakis.Protocol;

namespace Arrakis.Server.Commands;

/// <summary>
/// A command (or subcommand) as Redis 7 describes it in COMMAND INFO: arity, flags, key positions;
/// plus our handler. Key positions drive stripe locking.
/// </summary>
internal sealed class CommandDefinition
{
    public required string Name { get; init; }          // "get", or "kill" for client|kill
    public required string FullName { get; init; }      // "get", "client|kill"
    /// <summary>Index into per-command counters (<see cref="Runtime.ThreadStats.PerCommand"/>), unique per table.</summary>
    public int Id { get; set; }
    public int Arity { get; init; }
    public int FirstKey { get; init; }
    public int LastKey { get; init; }
    public int KeyStep { get; init; }
    public bool IsWrite { get; init; }
    public bool NoAuth { get; init; }
    public bool IsAdmin { get; init; }
    public bool SkipMonitor { get; init; }
    public bool NoKeyspace { get; init; }
    public bool MovableKeys { get; init; }
    public bool NoMulti { get; init; }
    public bool IsPubSub { get; init; }
    /// <summary>Redis's noscript flag: redis.call refuses it.</summary>
    public bool NoScript { get; init; }
    /// <summary>Redis's allow_busy flag: runs while a script is busy (SCRIPT KILL, FUNCTION KILL, SHUTDOWN ...).</summary>
    public bool AllowBusy { get; init; }
    public CommandHandler? Handler { get; set; }
    public Dictionary<string, CommandDefinition>? Subcommands { get; set; }

    /// <summary>Redis's key specifications (COMMAND INFO item 8), for COMMAND GETKEYS.</summary>
    public KeySpec[] KeySpecs { get; set; } = [];

    /// <summary>Redis's no_mandatory_keys flag: a call that names no key is still valid.</summary>
    public bool NoMandatoryKeys { get; init; }

    /// <summary>COMMAND INFO entry (subcommands trimmed to the implemented ones).</summary>
    public RespValue? Info { get; set; }

    /// <summary>COMMAND DOCS entry.</summary>
    public RespValue? Docs { get; set; }

    public bool IsContainer => Subcommands is not null;

    /// <summary>Never log this command's arguments: what it runs is logged instead (EXEC, scripts, functions).</summary>
    public bool LogsOwnEffects => FullName is "exec" or "eval" or "evalsha" or "eval_ro" or "evalsha_ro" or "fcall" or "fcall_ro";

    public CommandDefinition? FindSubcommand(ReadOnlySpan<byte> name)
    {
        if (Subcommands is null || name.Length > 64) return null;
        Span<char> lower = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) lower[i] = (char)(name[i] is >= (byte)'A' and <= (byte)'Z' ? name[i] + 32 : name[i]);
        return Subcommands.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lower, out var d) ? d : null;
    }

    public bool ArityMatches(int argc) => Arity >= 0 ? argc == Arity : argc >= -Arity;
}
