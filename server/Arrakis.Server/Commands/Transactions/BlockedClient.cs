using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>A client waiting in BLPOP and friends: what it runs when served, on which keys, until when.</summary>
/// <remarks>
/// <see cref="TryClaim"/> and <see cref="Release"/> decide, across threads, who answers the client:
/// a serving thread claims it while it re-runs the command and releases it when there was nothing
/// to take; a timeout, CLIENT UNBLOCK or disconnect finishes it only while nobody is serving it.
/// </remarks>
internal sealed class BlockedClient(ClientSession session, CommandDefinition command, byte[][] args, int db, byte[][] keys, long deadlineMs, BlockedOn on, bool nullArrayOnTimeout)
{
    private const int Waiting = 0, Serving = 1, Done = 2;
    private int _state;

    public ClientSession Session { get; } = session;
    public CommandDefinition Command { get; } = command;
    public byte[][] Args { get; } = args;
    public int Db { get; } = db;
    public byte[][] Keys { get; } = keys;

    /// <summary>The value type that serves it: a list (BLPOP, BLMOVE, BLMPOP ...) or a sorted set (BZPOPMIN, BZMPOP ...).</summary>
    public BlockedOn On { get; } = on;

    /// <summary>Monotonic deadline in ms; long.MaxValue waits forever.</summary>
    public long DeadlineMs { get; } = deadlineMs;

    /// <summary>What a timeout answers: a null array (BLPOP, BZPOPMIN, BLMPOP) or a null bulk (BLMOVE).</summary>
    public bool NullArrayOnTimeout { get; } = nullArrayOnTimeout;

    /// <summary>True while another thread re-runs its command (a timeout must wait for the outcome).</summary>
    public bool IsServing => Volatile.Read(ref _state) == Serving;

    public bool IsDone => Volatile.Read(ref _state) == Done;

    /// <summary>Takes the client for serving; false when it is being served or already answered.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Serving, Waiting) == Waiting;

    /// <summary>After a claim: <paramref name="served"/> ends it, otherwise it waits again in its place.</summary>
    public void Release(bool served) => Volatile.Write(ref _state, served ? Done : Waiting);

    /// <summary>Ends a waiting client (timeout, CLIENT UNBLOCK, disconnect); false when it is being served or done.</summary>
    public bool TryFinish() => Interlocked.CompareExchange(ref _state, Done, Waiting) == Waiting;
}
