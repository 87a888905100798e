using System.Diagnostics;
using System.Text;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Sessions;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands;

/// <summary>
/// Runs one parsed request: lookup, arity and authentication checks (in Redis's order and with its
/// errors), MONITOR feed, stripe locking from the command's key positions, the handler, slow log.
/// </summary>
/// <remarks>Called on the data-plane thread that owns the session. Allocates nothing for
/// ordinary commands.</remarks>
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
            Reject(ctx, Errors.WrongArgs(def.FullName));
            return;
        }
        if (!session.Authenticated && server.Options.RequirePass.Length > 0 && !def.NoAuth)
        {
            Reject(ctx, Errors.NoAuth);
            return;
        }
        if (session.MultiQueue is not null && def.NoMulti)
        {
            Reject(ctx, "ERR Command not allowed inside a transaction");
            return;
        }
        if (session.SubscriptionCount > 0 && session.Protocol == Protocol.RespVersion.Resp2 && !AllowedWhileSubscribed(def))
        {
            Reject(ctx, $"ERR Can't execute '{def.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (session.MultiQueue is not null && !TransactionCommands.RunsImmediatelyInMulti(def))
        {
            session.MultiQueue.Add(ctx.CopyArgs());
            ctx.Reply.WriteRaw("+QUEUED\r\n"u8);
            return;
        }
        Run(ctx, def);
        if (ctx.Thread.ReadyKeys.Count > 0) server.Blocking.ServeReady(ctx);
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
        session.LastCommand = def.FullName;
        if (server.HasMonitors && !def.SkipMonitor && !def.IsAdmin) FeedMonitors(ctx);

        int mark = session.Output.Mark;
        long start = Stopwatch.GetTimestamp();
        if (def.MovableKeys)
        {
            server.Keyspace.LockAll();
            try
            {
                def.Handler!(ctx);
            }
            finally
            {
                server.Keyspace.UnlockAll();
            }
        }
        else if (def.FirstKey > 0 && !def.NoKeyspace) RunLocked(ctx, def);
        else def.Handler!(ctx);
        long elapsedUs = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        ctx.Stats.Commands++;

        if (session.ReplyMode != ReplyMode.On && !ctx.ServingBlocked) ApplyReplyMode(session, mark);
        long threshold = server.Options.SlowlogLogSlowerThan;
        if (threshold >= 0 && elapsedUs >= threshold) LogSlow(ctx, elapsedUs);
    }

    private static void Reject(CommandContext ctx, string error)
    {
        int mark = ctx.Session.Output.Mark;
        if (ctx.Session.MultiQueue is not null) ctx.Session.MultiError = true;
        ctx.Error(error);
        if (ctx.Session.ReplyMode != ReplyMode.On) ApplyReplyMode(ctx.Session, mark);
    }

    private static void ApplyReplyMode(ClientSession session, int mark)
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
        if (last == def.FirstKey || last < def.FirstKey)
        {
            var stripe = keyspace.StripeFor(ctx.Arg(def.FirstKey));
            lock (stripe.Gate) def.Handler!(ctx);
            return;
        }
        int keyCount = (Math.Min(last, argc - 1) - def.FirstKey) / step + 1;
        Span<int> stripes = keyCount <= 128 ? stackalloc int[keyCount] : new int[keyCount];
        int n = 0;
        for (int i = def.FirstKey; i <= last && i < argc; i += step) stripes[n++] = Keyspace.Keyspace.StripeOf(KeyTable.Hash(ctx.Arg(i)));
        stripes = stripes[..n];
        stripes.Sort();
        int locked = 0;
        try
        {
            for (int i = 0; i < stripes.Length; i++)
            {
                if (i > 0 && stripes[i] == stripes[i - 1]) continue;
                keyspace[stripes[i]].Gate.Enter();
                locked = i + 1;
            }
            def.Handler!(ctx);
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
