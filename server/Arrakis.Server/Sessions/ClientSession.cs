using Arrakis.Protocol;
using Arrakis.Server.DataPlane;

namespace Arrakis.Server.Sessions;

/// <summary>
/// One client connection's state. Owned by the data-plane thread that accepted it; other threads
/// only read the descriptive fields (CLIENT LIST) and set <see cref="KillRequested"/>.
/// </summary>
internal sealed class ClientSession
{
    public ClientSession(long id, long connection, DataPlaneThread owner, RequestLimits limits, string remote, string local)
    {
        Id = id;
        Connection = connection;
        Owner = owner;
        Reader = new RequestReader(limits);
        Writer = new RespWriter(Output);
        Remote = remote;
        Local = local;
        CreatedMs = Runtime.ServerClock.MonotonicMs;
        LastInteractionMs = CreatedMs;
    }

    public long Id { get; }
    public long Connection { get; }
    public DataPlaneThread Owner { get; }
    public string Remote { get; }
    public string Local { get; }
    public long CreatedMs { get; }

    public readonly InputBuffer Input = new();
    public readonly OutputBuffer Output = new();
    public readonly RequestArguments Args = new();
    public RequestReader Reader { get; }
    public RespWriter Writer { get; }

    public volatile string Name = "";
    public volatile string LibName = "";
    public volatile string LibVersion = "";
    public volatile int Db;
    public volatile string LastCommand = "NULL";
    public long LastInteractionMs;
    public bool Authenticated;
    public RespVersion Protocol = RespVersion.Resp2;
    public ReplyMode ReplyMode = ReplyMode.On;
    public bool NoEvict;
    public bool IsMonitor;
    public bool CloseAfterReply;
    public bool ReadPaused;
    public volatile bool KillRequested;
    public long SoftLimitSinceMs = -1;
    public bool Closed;

    /// <summary>MULTI state: queued commands, and whether a queueing error dooms the EXEC.</summary>
    public List<byte[][]>? MultiQueue;
    public bool MultiError;

    /// <summary>WATCHed (db, key) pairs, and whether one of them changed since.</summary>
    public readonly List<(int Db, byte[] Key)> Watched = new();
    public volatile bool WatchDirty;

    /// <summary>appendfsync always: replies not yet sendable, as (output stream position where the reply starts,
    /// the LSN that must be durable first), oldest first. Null until the first held reply.</summary>
    public Queue<(long Position, long Lsn)>? HeldReplies;

    /// <summary>Set while the client waits in a blocking command; its input is not read meanwhile.</summary>
    public BlockedClient? Blocked;

    /// <summary>Pub/sub channels and patterns (RESP2 clients with any are in subscribed mode).</summary>
    public readonly HashSet<string> Channels = new(StringComparer.Ordinal);
    public readonly HashSet<string> Patterns = new(StringComparer.Ordinal);
    public readonly HashSet<string> ShardChannels = new(StringComparer.Ordinal);

    public int SubscriptionCount => Channels.Count + Patterns.Count + ShardChannels.Count;
}
