namespace Arrakis.Server.Runtime;

/// <summary>
/// Counters of one data-plane thread: written only by that thread without synchronisation, summed
/// by INFO (a read may be a moment stale, never torn: fields are 64-bit on 64-bit platforms).
/// </summary>
internal sealed class ThreadStats
{
    public long Commands;
    public long Connections;
    public long RejectedConnections;
    public long ExpiredKeys;
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long Dirty;
    public long NetInputBytes;
    public long NetOutputBytes;
    public long ErrorReplies;
    public long UnknownCommandErrors;
    public long ActiveExpiryCycles;
    public long ExpiredStaleChecks;

    public void Reset()
    {
        Commands = Connections = RejectedConnections = ExpiredKeys = KeyspaceHits = KeyspaceMisses = 0;
        NetInputBytes = NetOutputBytes = ErrorReplies = UnknownCommandErrors = ActiveExpiryCycles = ExpiredStaleChecks = 0;
    }
}
