using System.Diagnostics;
using System.Text;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;
using Arrakis.Server.Text;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Commands;

/// <summary>
/// Runs one parsed request: lookup, arity and authentication checks (in Redis's order and with its
/// errors), MONITOR feed, stripe locking from the command's key positions, the handler, slow log.
/// </summary>
/// <remarks>Called on the data-plane thread that owns the session. Allocates nothing for
/// ordinary commands. The safety net: an exception that escapes a handler never leaves this class;
/// the client gets an error reply instead of a half-written one, the locks are released, the
/// failure is logged (command name and exception, never the arguments) and counted.</remarks>
internal static class CommandDispatcher
{
    /// <summary>Runs one request read from the network (or, inside EXEC, from the queue).</summary>
    public static void Execute(CommandContext ctx)
    {
        var session = ctx.Session;
        var server = ctx.Server;
        int argc = ctx.ArgCount;
        var def = server.Commands.Find(ctx.Arg(0));
        if (def is not null && def.IsContainer && argc >= 2)
        {
            var sub = def.FindSubcommand(ctx.Arg(1));
            if (sub is null)
            {
                Reject(ctx, Errors.UnknownSubcommand(ctx.ArgText(1), def.Name));
                return;
            }
            def = sub;
        }
        if (def is null)
        {
            ctx.Stats.UnknownCommandErrors++;
            Reject(ctx, UnknownCommand(ctx));
            return;
        }
        if (!def.ArityMatches(argc))
        {
            Reject(ctx, Errors.WrongArgs(def.FullName), def);
            return;
        }
        if (!session.Authenticated && server.Options.RequirePass.Length > 0 && !def.NoAuth)
        {
            Reject(ctx, Errors.NoAuth, def);
            return;
        }
        if (Volatile.Read(ref server.Keyspace.BusyScripts) > 0 && !def.AllowBusy && !ctx.InScript)
        {
            Reject(ctx, BusyError(server), def);
            return;
        }
        if (session.MultiQueue is not null && def.NoMulti)
        {
            Reject(ctx, "ERR Command not allowed inside a transaction", def);
            return;
        }
        if (session.SubscriptionCount > 0 && session.Protocol == Protocol.RespVersion.Resp2 && !AllowedWhileSubscribed(def))
        {
            Reject(ctx, $"ERR Can't execute '{def.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", def);
            return;
        }
        if (def.IsWrite && server.Durable is { } durable && durable.WriteRefusal(RequestBytes(ctx)) is int errno && errno != 0)
        {
            // Redis's writeCommandsDeniedByDiskError: nothing is run that the log could not keep.
            Reject(ctx, "MISCONF Errors writing to the AOF file: " + Arrakis.IoBypass.Block.BlockErrno.Describe(errno), def);
            return;
        }
        if (session.MultiQueue is not null && !TransactionCommands.RunsImmediatelyInMulti(def))
        {
            session.MultiQueue.Add(ctx.CopyArgs());
            ctx.Reply.WriteRaw("+QUEUED\r\n"u8);
            return;
        }
        Run(ctx, def);
    }

    /// <summary>Redis's BUSY reply while a script (or a function) runs past busy-reply-threshold.</summary>
    private static string BusyError(Runtime.ServerState server) => server.Functions.Running is { Busy: true }
        ? "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
        : "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

    /// <summary>The request's argument bytes: what a write's effect is about as big as (the log refuses a write it could not hold).</summary>
    private static long RequestBytes(CommandContext ctx)
    {
        long n = 0;
        for (int i = 0; i < ctx.ArgCount; i++) n += ctx.Arg(i).Length + 16;
        return n;
    }

    private static bool AllowedWhileSubscribed(CommandDefinition def) =>
        def.FullName is "subscribe" or "unsubscribe" or "psubscribe" or "punsubscribe" or "ssubscribe" or "sunsubscribe" or "ping" or "quit" or "reset";

    /// <summary>Runs a resolved command: MONITOR feed, stripe locks, handler, slow log.</summary>
    public static void Run(CommandContext ctx, CommandDefinition def)
    {
        var session = ctx.Session;
        var server = ctx.Server;
        ctx.Command = def;
        ctx.NowMs = Runtime.ServerClock.UnixMs;
        if (!ctx.InScript)
        {
            session.LastCommand = def.FullName;
            if (server.HasMonitors && !def.SkipMonitor && !def.IsAdmin) FeedMonitors(ctx);
        }

        long mark = session.Output.Mark;
        long replyMark = ctx.ReplyMark;
        long start = Stopwatch.GetTimestamp();
        var recorder = Durability.EffectRecorder.Current;
        recorder?.BeginCommand(ctx, noDefault: def.LogsOwnEffects);
        ctx.Stats.ViewTable = null;
        try
        {
            Invoke(ctx, def);
        }
        catch (Keyspace.ScriptBusyException)
        {
            // A script turned busy while this command waited for its stripes: nothing ran.
            ctx.DiscardReplyAfter(replyMark);
            ctx.Error(BusyError(server));
        }
        catch (Exception e)
        {
            HandlerFailed(ctx, def, replyMark, e);
        }
        finally
        {
            if (recorder is not null) ctx.DependsOnLsn = recorder.EndCommand();
        }
        long elapsedUs = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        var stats = ctx.Stats;
        stats.Commands++;
        ref var counters = ref stats.PerCommand[def.Id];
        counters.Calls++;
        counters.Microseconds += elapsedUs;
        (stats.Latency[def.Id] ??= new LatencyHistogram()).Record(elapsedUs);
        if (stats.ErrorReplies > stats.ErrorMark) counters.Failed++;
        stats.ErrorMark = stats.ErrorReplies;

        if (ctx.InScript) return;
        if (session.ReplyMode != ReplyMode.On && !ctx.ServingBlocked) ApplyReplyMode(session, mark);
        // appendfsync always: the reply (and every later one on this connection) waits for the log.
        if (ctx.DependsOnLsn > 0 && !ctx.ServingBlocked && server.Durable is { HoldsReplies: true } log && ctx.DependsOnLsn > log.DurableLsn)
            ctx.Thread.HoldReply(ctx, mark, ctx.DependsOnLsn);
        long threshold = server.Options.SlowlogLogSlowerThan;
        if (threshold >= 0 && elapsedUs >= threshold) LogSlow(ctx, elapsedUs);
    }

    /// <summary>Runs the handler under the locks its keys need (all stripes for movable keys).</summary>
    private static void Invoke(CommandContext ctx, CommandDefinition def)
    {
        if (def.MovableKeys)
        {
            var keyspace = ctx.Server.Keyspace;
            keyspace.LockAll();
            try
            {
                def.Handler!(ctx);
            }
            finally
            {
                keyspace.UnlockAll();
            }
        }
        else if (def.FirstKey > 0 && !def.NoKeyspace) RunLocked(ctx, def);
        else def.Handler!(ctx);
    }

    /// <summary>The net: replaces whatever the handler wrote with one error reply, logs and counts.</summary>
    private static void HandlerFailed(CommandContext ctx, CommandDefinition def, long replyMark, Exception e)
    {
        ctx.DiscardReplyAfter(replyMark);
        ctx.Stats.HandlerFailures++;
        ctx.Server.Log.LogError(e, "Command '{Command}' failed with {Exception} (client id={Id}); it was answered with an error and the server goes on",
            def.FullName, e.GetType().Name, ctx.Session.Id);
        ctx.Error($"ERR internal error while running '{def.FullName}' ({e.GetType().Name}); the server logged it and goes on serving");
    }

    private static void Reject(CommandContext ctx, string error, CommandDefinition? def = null)
    {
        long mark = ctx.Session.Output.Mark;
        if (def?.FullName == "exec")
        {
            // Redis's rejectCommand: a rejected EXEC answers EXECABORT (and discards the transaction
            // when there is one), even outside MULTI.
            TransactionCommands.Discard(ctx); // discardTransaction: also forgets the WATCHed keys
            error = "EXECABORT Transaction discarded because of: " + (error.StartsWith("ERR ", StringComparison.Ordinal) ? error[4..] : error);
        }
        if (ctx.Session.MultiQueue is not null) ctx.Session.MultiError = true;
        ctx.Error(error);
        if (def is not null) ctx.Stats.PerCommand[def.Id].Rejected++;
        ctx.Stats.ErrorMark = ctx.Stats.ErrorReplies;
        if (ctx.Session.ReplyMode != ReplyMode.On) ApplyReplyMode(ctx.Session, mark);
    }

    private static void ApplyReplyMode(ClientSession session, long mark)
    {
        switch (session.ReplyMode)
        {
            case ReplyMode.Off:
                session.Output.Truncate(mark);
                break;
            case ReplyMode.SkipThis:
                session.Output.Truncate(mark);
                session.ReplyMode = ReplyMode.On;
                break;
            case ReplyMode.Skip:
                session.ReplyMode = ReplyMode.SkipThis; // CLIENT REPLY SKIP itself is answered-not; the next is skipped
                session.Output.Truncate(mark);
                break;
        }
    }

    /// <summary>Locks the stripes of the command's keys in ascending order, runs it, unlocks.</summary>
    private static void RunLocked(CommandContext ctx, CommandDefinition def)
    {
        int argc = ctx.ArgCount;
        int last = def.LastKey >= 0 ? def.LastKey : argc + def.LastKey;
        int step = Math.Max(def.KeyStep, 1);
        var keyspace = ctx.Server.Keyspace;
        if (def.FirstKey >= argc)
        {
            def.Handler!(ctx); // a command whose keys are optional, called without any (SUNSUBSCRIBE)
            return;
        }
        if (last == def.FirstKey || last < def.FirstKey)
        {
            using (keyspace.Hold(keyspace.StripeFor(ctx.Arg(def.FirstKey)))) def.Handler!(ctx);
            return;
        }
        int keyCount = (Math.Min(last, argc - 1) - def.FirstKey) / step + 1;
        Span<int> stripes = keyCount <= 128 ? stackalloc int[keyCount] : new int[keyCount];
        int n = 0;
        for (int i = def.FirstKey; i <= last && i < argc; i += step) stripes[n++] = Keyspace.Keyspace.StripeOf(KeyTable.Hash(ctx.Arg(i)));
        stripes = stripes[..n];
        stripes.Sort();
        int locked = 0;
        var recorder = Durability.EffectRecorder.Current;
        bool scoped = false;
        try
        {
            for (int i = 0; i < stripes.Length; i++)
            {
                if (i > 0 && stripes[i] == stripes[i - 1]) continue;
                keyspace.Enter(keyspace[stripes[i]]);
                locked = i + 1;
            }
            if (keyspace.Snapshot is { } snapshot)
            {
                for (int i = 0; i < stripes.Length; i++) snapshot.EnsureCaptured(keyspace[stripes[i]]);
            }
            recorder?.EnterScope();
            scoped = recorder is not null;
            def.Handler!(ctx);
        }
        finally
        {
            try
            {
                if (scoped) recorder!.ExitScope(keyspace, stripes);
            }
            finally
            {
                for (int i = locked - 1; i >= 0; i--)
                {
                    if (i > 0 && stripes[i] == stripes[i - 1]) continue;
                    keyspace[stripes[i]].Gate.Exit();
                }
            }
        }
    }

    private static string UnknownCommand(CommandContext ctx)
    {
        var args = new StringBuilder();
        for (int i = 1; i < ctx.ArgCount && args.Length < 128; i++)
        {
            string a = ctx.ArgText(i);
            int room = 128 - args.Length;
            args.Append('\'').Append(a.Length > room ? a[..room] : a).Append("' ");
        }
        return $"ERR unknown command '{Errors.Truncate(ctx.ArgText(0), 128)}', with args beginning with: {args}";
    }

    private static void FeedMonitors(CommandContext ctx)
    {
        var sb = new StringBuilder();
        long us = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + (DateTime.UtcNow.Ticks / 10 % 1000);
        sb.Append('+').Append(us / 1_000_000).Append('.').Append((us % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        sb.Append(" [").Append(ctx.Session.Db).Append(' ').Append(ctx.Session.Remote).Append(']');
        for (int i = 0; i < ctx.ArgCount; i++) sb.Append(" \"").Append(Repr.Escape(ctx.Arg(i))).Append('"');
        sb.Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(sb.ToString());
        foreach (var monitor in ctx.Server.Monitors.Values) monitor.Owner.Deliver(monitor, bytes);
    }

    private static void LogSlow(CommandContext ctx, long elapsedUs)
    {
        int argc = Math.Min(ctx.ArgCount, 32);
        var args = new byte[argc][];
        for (int i = 0; i < argc; i++)
        {
            if (i == 31 && ctx.ArgCount > 32)
            {
                args[i] = Encoding.ASCII.GetBytes($"... ({ctx.ArgCount - 31} more arguments)");
                break;
            }
            var a = ctx.Arg(i);
            args[i] = a.Length > 128
                ? [.. a[..128], .. Encoding.ASCII.GetBytes($"... ({a.Length - 128} more bytes)")]
                : a.ToArray();
        }
        ctx.Server.SlowLog.Add(elapsedUs, args, ctx.Session.Remote, ctx.Session.Name, ctx.Server.Options.SlowlogMaxLen);
    }
}
