using Arrakis.Server.Commands;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>A client waiting in BLPOP and friends: what it runs when served, on which keys, until when.</summary>
internal sealed class BlockedClient(ClientSession session, CommandDefinition command, byte[][] args, int db, byte[][] keys, long deadlineMs, bool nullArrayOnTimeout)
{
    public ClientSession Session { get; } = session;
    public CommandDefinition Command { get; } = command;
    public byte[][] Args { get; } = args;
    public int Db { get; } = db;
    public byte[][] Keys { get; } = keys;

    /// <summary>Monotonic deadline in ms; long.MaxValue waits forever.</summary>
    public long DeadlineMs { get; } = deadlineMs;

    /// <summary>What a timeout answers: a null array (BLPOP, BZPOPMIN, BLMPOP) or a null bulk (BLMOVE).</summary>
    public bool NullArrayOnTimeout { get; } = nullArrayOnTimeout;
}
