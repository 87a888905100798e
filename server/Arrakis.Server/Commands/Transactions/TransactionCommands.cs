using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>MULTI, EXEC, DISCARD, WATCH, UNWATCH. EXEC holds every stripe while it runs the queue, so
/// no other data-plane thread sees a transaction half done.</summary>
internal static class TransactionCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["multi"] = Multi;
        h["exec"] = Exec;
        h["discard"] = c =>
        {
            if (c.Session.MultiQueue is null)
            {
                c.Error("ERR DISCARD without MULTI");
                return;
            }
            Discard(c);
            c.Reply.WriteOk();
        };
        h["watch"] = Watch;
        h["unwatch"] = c =>
        {
            c.Server.Keyspace.Watches.UnwatchAll(c.Session);
            c.Reply.WriteOk();
        };
    }

    /// <summary>Commands that act at once inside MULTI instead of being queued (as in Redis).</summary>
    public static bool RunsImmediatelyInMulti(CommandDefinition def) => def.FullName is "exec" or "discard" or "multi" or "watch" or "quit" or "reset";

    private static void Multi(CommandContext c)
    {
        if (c.Session.MultiQueue is not null)
        {
            c.Error("ERR MULTI calls can not be nested");
            return;
        }
        c.Session.MultiQueue = new List<byte[][]>();
        c.Session.MultiError = false;
        c.Reply.WriteOk();
    }

    public static void Discard(CommandContext c)
    {
        c.Session.MultiQueue = null;
        c.Session.MultiError = false;
        c.Server.Keyspace.Watches.UnwatchAll(c.Session);
    }

    private static void Watch(CommandContext c)
    {
        if (c.Session.MultiQueue is not null)
        {
            c.Error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        var db = c.Db;
        for (int i = 1; i < c.ArgCount; i++)
        {
            db.Exists(c.Arg(i)); // an already expired key is removed now, so its later expiry cannot count as a change
            c.Server.Keyspace.Watches.Watch(c.Session, c.Session.Db, c.ArgBytes(i));
        }
        c.Reply.WriteOk();
    }

    private static void Exec(CommandContext c)
    {
        var session = c.Session;
        var queue = session.MultiQueue;
        if (queue is null)
        {
            c.Error("ERR EXEC without MULTI");
            return;
        }
        var keyspace = c.Server.Keyspace;
        keyspace.LockAll();
        try
        {
            // Watched keys that expired since WATCH count as modified: look them up (lazy expiry touches them).
            foreach (var (db, key) in session.Watched) c.DbAt(db).Exists(key);
            if (session.MultiError || session.WatchDirty)
            {
                bool aborted = session.MultiError;
                Discard(c);
                if (aborted) c.Error("EXECABORT Transaction discarded because of previous errors.");
                else c.Reply.WriteNullArray();
                return;
            }
            keyspace.Watches.UnwatchAll(session);
            session.MultiQueue = null;
            c.Reply.WriteArrayHeader(queue.Count);
            var inner = new CommandContext(session, c.Server, c.Thread) { InExec = true };
            foreach (var args in queue)
            {
                inner.UseExternal(args);
                CommandDispatcher.Execute(inner);
            }
        }
        finally
        {
            keyspace.UnlockAll();
        }
    }
}
