using Arrakis.Server.Commands.Transactions;

namespace Arrakis.Server.Commands.Streams;

/// <summary>XREAD/XREADGROUP waiters in the shared <see cref="BlockingRegistry"/>: ready signals and blocking.</summary>
internal static class StreamBlocking
{
    /// <summary>Redis's XREAD_BLOCKED_DEFAULT_COUNT: what a blocked read without COUNT gets at most.</summary>
    public const long DefaultCount = 1000;

    /// <summary>New entries, or a change that a blocked XREADGROUP must see (its group or key gone).</summary>
    public static void SignalReady(CommandContext c, ReadOnlySpan<byte> key) => c.Server.Keyspace.Blocking?.SignalReady(c.Session.Db, key);

    /// <summary>Parks the client: its command is stored with every ID resolved ("$" becomes the ID it saw) and
    /// a COUNT, so re-running it when a key is signalled serves exactly what Redis's blocked read would.</summary>
    public static void Block(CommandContext c, StreamReadArgs a, StreamId[] ids, long deadlineMs)
    {
        var args = new List<byte[]> { a.Group is null ? "XREAD"u8.ToArray() : "XREADGROUP"u8.ToArray() };
        if (a.Group is not null) args.AddRange(["GROUP"u8.ToArray(), a.Group, a.Consumer!]);
        if (a.NoAck) args.Add("NOACK"u8.ToArray());
        args.AddRange(["COUNT"u8.ToArray(), StreamArgs.Bytes(a.Count != 0 ? a.Count : DefaultCount), "STREAMS"u8.ToArray()]);
        var keys = new byte[a.StreamCount][];
        for (int i = 0; i < a.StreamCount; i++)
        {
            keys[i] = c.ArgBytes(a.StreamsArg + i);
            args.Add(keys[i]);
        }
        for (int i = 0; i < a.StreamCount; i++) args.Add(ids[i] == StreamId.Max && a.Group is not null ? ">"u8.ToArray() : ids[i].ToBytes());
        var b = new BlockedClient(c.Session, c.Command, args.ToArray(), c.Session.Db, keys, deadlineMs, BlockedOn.Stream, nullArrayOnTimeout: true);
        c.Server.Blocking.Block(b);
        c.Thread.TrackBlocked(b);
    }
}
