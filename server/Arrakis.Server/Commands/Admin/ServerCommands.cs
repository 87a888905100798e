using Arrakis.Protocol;
using Arrakis.Server.Commands.Transactions;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands.Admin;

/// <summary>INFO, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, SLOWLOG, MONITOR, SHUTDOWN, DEBUG SLEEP.</summary>
internal static class ServerCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["info"] = InfoCommand.Execute;
        h["dbsize"] = c =>
        {
            Durability.EffectRecorder.ObserveAll(); // counted without a stripe scope: waits for all that is logged
            c.Reply.WriteInteger(c.Server.Keyspace.Count(c.Session.Db));
        };
        h["flushdb"] = FlushDb;
        h["flushall"] = FlushAll;
        h["swapdb"] = SwapDb;
        h["time"] = Time;
        h["lastsave"] = c => c.Reply.WriteInteger(c.Server.Snapshots.LastSaveUnixSeconds);
        h["save"] = Save;
        h["bgsave"] = BgSave;
        h["bgrewriteaof"] = BgRewriteAof;
        h["slowlog|get"] = SlowlogGet;
        h["slowlog|len"] = c => c.Reply.WriteInteger(c.Server.SlowLog.Count);
        h["slowlog|reset"] = c =>
        {
            c.Server.SlowLog.Reset();
            c.Reply.WriteOk();
        };
        h["monitor"] = Monitor;
        h["shutdown"] = Shutdown;
        h["debug"] = Debug;
    }

    private static bool FlushMode(CommandContext c)
    {
        if (c.ArgCount == 1 || (c.ArgCount == 2 && (c.ArgIs(1, "ASYNC") || c.ArgIs(1, "SYNC")))) return true;
        c.SyntaxError();
        return false;
    }

    private static void FlushDb(CommandContext c)
    {
        if (!FlushMode(c)) return;
        Flush(c, c.Session.Db);
        c.Reply.WriteOk();
    }

    private static void FlushAll(CommandContext c)
    {
        if (!FlushMode(c)) return;
        // One lock scope for every database: FLUSHALL is atomic, and one record in the log.
        var ks = c.Server.Keyspace;
        ks.LockAll();
        try
        {
            for (int db = 0; db < ks.Databases; db++) Flush(c, db);
        }
        finally
        {
            ks.UnlockAll();
        }
        c.Reply.WriteOk();
    }

    private static void Flush(CommandContext c, int db)
    {
        var ks = c.Server.Keyspace;
        ks.LockAll();
        try
        {
            ks.Watches.TouchDatabase(db, key => ks.HasSlot(db, key));
            long removed = 0;
            for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
            {
                var t = ks[i].Tables[db];
                if (t is null) continue;
                removed += t.Count;
                ks[i].Tables[db] = null;
                t.Release(); // its record pages back now (every stripe is held, nothing reads them)
            }
            c.Stats.Dirty += removed;
            ks.AverageTtl[db] = 0;
            c.Server.Blocking.SignalDatabase(db); // blocked XREADGROUPs learn their stream is gone
        }
        finally
        {
            ks.UnlockAll();
        }
    }

    private static void SwapDb(CommandContext c)
    {
        if (!RespNumber.TryParseInt64(c.Arg(1), out long a))
        {
            c.Error("ERR invalid first DB index");
            return;
        }
        if (!RespNumber.TryParseInt64(c.Arg(2), out long b))
        {
            c.Error("ERR invalid second DB index");
            return;
        }
        var ks = c.Server.Keyspace;
        if (a < 0 || a >= ks.Databases || b < 0 || b >= ks.Databases)
        {
            c.Error(Errors.DbIndexOutOfRange);
            return;
        }
        ks.LockAll();
        try
        {
            // Watchers of a key that exists in either database see it change (Redis's touchAllWatchedKeysInDb).
            int da = (int)a, dbb = (int)b;
            ks.Watches.TouchDatabase(da, key => ks.HasSlot(da, key) || ks.HasSlot(dbb, key));
            ks.Watches.TouchDatabase(dbb, key => ks.HasSlot(dbb, key) || ks.HasSlot(da, key));
            for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
            {
                var t = ks[i].Tables;
                (t[a], t[b]) = (t[b], t[a]);
                var cur = ks[i].ExpiryCursor;
                (cur[a], cur[b]) = (cur[b], cur[a]);
            }
            (ks.AverageTtl[a], ks.AverageTtl[b]) = (ks.AverageTtl[b], ks.AverageTtl[a]);
            c.Stats.Dirty++;
            // Clients blocked in either database may now find their key (Redis's scanDatabaseForReadyKeys).
            c.Server.Blocking.SignalDatabase((int)a);
            c.Server.Blocking.SignalDatabase((int)b);
        }
        finally
        {
            ks.UnlockAll();
        }
        c.Reply.WriteOk();
    }

    private static void Time(CommandContext c)
    {
        long us = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulkInteger(us / 1_000_000);
        c.Reply.WriteBulkInteger(us % 1_000_000);
    }

    private static void SlowlogGet(CommandContext c)
    {
        long count = 10;
        if (c.ArgCount == 3)
        {
            if (!RespNumber.TryParseInt64(c.Arg(2), out count) || count < -1)
            {
                c.Error("ERR count should be greater than or equal to -1");
                return;
            }
            if (count == -1) count = int.MaxValue;
        }
        else if (c.ArgCount > 3)
        {
            c.Error(Errors.SubcommandSyntax(c));
            return;
        }
        var entries = c.Server.SlowLog.Take((int)Math.Min(count, int.MaxValue));
        var w = c.Reply;
        w.WriteArrayHeader(entries.Count);
        foreach (var e in entries)
        {
            w.WriteArrayHeader(6);
            w.WriteInteger(e.Id);
            w.WriteInteger(e.UnixSeconds);
            w.WriteInteger(e.DurationUs);
            w.WriteArrayHeader(e.Args.Length);
            foreach (var a in e.Args) w.WriteBulk(a);
            w.WriteBulk(e.Client);
            w.WriteBulk(e.ClientName);
        }
    }

    private static void Monitor(CommandContext c)
    {
        c.Session.IsMonitor = true;
        c.Server.AddMonitor(c.Session);
        c.Reply.WriteOk();
    }

    private static void Save(CommandContext c)
    {
        if (c.Server.Snapshots.InProgress)
        {
            c.Error("ERR Background save already in progress");
            return;
        }
        if (c.Server.Snapshots.SaveNow() is { } error) c.Error(error);
        else c.Reply.WriteOk();
    }

    private static void BgRewriteAof(CommandContext c)
    {
        if (c.Server.Durable is null)
        {
            // Redis 7.0 answers "started" here and writes nothing useful; we keep no log to rewrite.
            c.Error("ERR Background append only file rewriting needs appendonly yes: this server keeps no log (restart with --appendonly yes)");
            return;
        }
        if (c.Server.Rewriter.InProgress)
        {
            c.Error("ERR Background append only file rewriting already in progress");
            return;
        }
        if (c.InExec || c.Server.Snapshots.InProgress)
        {
            // Redis schedules it too when a child runs or inside EXEC. Inside EXEC every stripe is held and
            // the transaction's record is not appended yet: a snapshot taken now would hold part of it. The
            // cron starts the rewrite once the transaction is over and the snapshot slot is free.
            c.Server.Rewriter.Scheduled = true;
            c.Reply.WriteSimpleString("Background append only file rewriting scheduled");
            return;
        }
        if (!c.Server.Rewriter.TryStart())
        {
            // The slot was taken between the check and here (a save point's BGSAVE on another thread).
            c.Server.Rewriter.Scheduled = true;
            c.Reply.WriteSimpleString("Background append only file rewriting scheduled");
            return;
        }
        c.Reply.WriteSimpleString("Background append only file rewriting started");
    }

    private static void BgSave(CommandContext c)
    {
        bool schedule = false;
        if (c.ArgCount > 1)
        {
            if (c.ArgCount == 2 && c.ArgIs(1, "SCHEDULE")) schedule = true;
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var snaps = c.Server.Snapshots;
        if (snaps.BackgroundSaveInProgress)
        {
            c.Error("ERR Background save already in progress");
            return;
        }
        // Inside EXEC a snapshot would hold part of the transaction: Redis 7.0 schedules it there too.
        if (!c.InExec)
        {
            // The client waits (its next commands too) until the snapshot has begun on the save's thread: what it
            // wrote before BGSAVE is in the file, nothing it sends after, as with Redis's fork. The others go on.
            // A snapshot that could not begin answers Redis's reply to a failed fork.
            var session = c.Session;
            bool silent = session.ReplyMode is ReplyMode.Off or ReplyMode.SkipThis;
            var wait = new BlockedClient(session, c.Command, [], session.Db, [], long.MaxValue, BlockedOn.SnapshotStart, nullArrayOnTimeout: false);
            session.Blocked = wait;
            bool started = false;
            try
            {
                started = snaps.TryStartBackground(begun =>
                {
                    byte[] reply = silent ? [] : begun ? "+Background saving started\r\n"u8.ToArray() : "-ERR\r\n"u8.ToArray();
                    if (wait.TryFinish()) session.Owner.Deliver(session, reply, wait); // false: the client went away
                });
            }
            finally
            {
                if (!started) session.Blocked = null;
            }
            if (started) return;
        }
        if (schedule || c.InExec)
        {
            snaps.Scheduled = true;
            c.Reply.WriteSimpleString("Background saving scheduled");
            return;
        }
        c.Error("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }

    private static void Shutdown(CommandContext c)
    {
        bool abort = false, save = false, noSave = false, force = false;
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (c.ArgIs(i, "ABORT")) abort = true;
            else if (c.ArgIs(i, "SAVE")) save = true;
            else if (c.ArgIs(i, "NOSAVE")) noSave = true;
            else if (c.ArgIs(i, "FORCE")) force = true;
            else if (!c.ArgIs(i, "NOW"))
            {
                c.SyntaxError();
                return;
            }
        }
        if (abort)
        {
            if (c.ArgCount != 2)
            {
                c.SyntaxError();
                return;
            }
            c.Error("ERR No shutdown in progress.");
            return;
        }
        if (save && noSave)
        {
            c.SyntaxError();
            return;
        }
        if (Volatile.Read(ref c.Server.Keyspace.BusyScripts) > 0)
        {
            // A busy script holds every stripe: only NOSAVE may stop the server under it (Redis's rule).
            if (!noSave)
            {
                c.Error("UNKILLABLE Errors trying to SHUTDOWN. Check logs.");
                return;
            }
            c.Server.Scripts.Abandon();
            c.Server.Functions.Abandon();
            c.Session.CloseAfterReply = true;
            c.Server.RequestShutdown();
            return;
        }
        // SAVE writes a snapshot first; without SAVE or NOSAVE, Redis saves when save points are configured.
        if (!save && !noSave && c.Server.Options.SavePoints.Length > 0) save = true;
        if (save && !noSave && c.Server.Snapshots.SaveNow() is not null && !force)
        {
            c.Error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        // Redis closes the connection without a reply when it shuts down.
        c.Session.CloseAfterReply = true;
        c.Server.RequestShutdown();
    }

    private static void Debug(CommandContext c)
    {
        if (c.ArgIs(1, "SLEEP") && c.ArgCount == 3)
        {
            if (!Numbers.TryParseDouble(c.Arg(2), out double seconds))
            {
                c.Error(Errors.NotFloat);
                return;
            }
            // Redis stops the whole server; Arrakis stops this data-plane thread (its connections).
            if (seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)));
            c.Reply.WriteOk();
            return;
        }
        c.Error($"ERR unknown subcommand or wrong number of arguments for '{Errors.Truncate(c.ArgText(1), 128)}'. Try DEBUG HELP.");
    }
}
