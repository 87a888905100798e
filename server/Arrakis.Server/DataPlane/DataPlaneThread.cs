using System.Collections.Concurrent;
using System.Diagnostics;
using Arrakis.IoBypass.Transport;
using Arrakis.Protocol;
using Arrakis.Server.Commands;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.DataPlane;

/// <summary>
/// One data-plane thread: polls its network source, and for each readable connection runs
/// receive -> parse -> execute -> reply, sending all replies of one receive together (pipelining).
/// Spins for a short time when idle, then blocks in the source's poll until the next timer.
/// </summary>
/// <remarks>Everything but <see cref="Deliver"/>, <see cref="Wake"/> and <see cref="Stop"/> runs on
/// this thread.</remarks>
internal sealed partial class DataPlaneThread
{
    private readonly ServerState _server;
    private readonly IConnectionSource _source;
    private readonly ILogger _log;
    private readonly Dictionary<long, CommandContext> _sessions = new();
    private readonly ConcurrentQueue<(ClientSession Session, byte[] Bytes, BlockedClient? Unblock, long Lsn)> _mailbox = new();
    private readonly List<CommandContext> _held = new();
    private readonly List<BlockedClient> _blocked = new();
    private readonly ConnectionEvent[] _events = new ConnectionEvent[256];
    private readonly ActiveExpiry _expiry;

    /// <summary>The context the cron serves blocked clients with (an expired stream); not a client of its own.</summary>
    private CommandContext? _cronContext;
    private Thread? _thread;
    private volatile bool _stopping;
    private readonly ConnectionEvent[] _busyEvents = new ConnectionEvent[64];
    private bool _servingBusy;
    private CommandContext? _deferredReadable;

    public DataPlaneThread(int index, int threadCount, ServerState server, IConnectionSource source, ILogger log)
    {
        Index = index;
        _server = server;
        _source = source;
        _log = log;
        Stats = new ThreadStats(server.Commands.SlotCount);
        _expiry = new ActiveExpiry(server.Keyspace, index, threadCount, Stats);
        server.ThreadStats.Add(Stats);
        server.Sources.Add(source);
        // The loop's steps as delegates made once: a lambda capturing a loop local allocates its closure
        // on every turn of the loop (at pipeline 1 that was ~20 bytes per request, and collections).
        _onReadable = OnReadable;
        _drainMailbox = DrainMailbox;
        _releaseHeld = ReleaseHeld;
        _expireBlocked = ExpireBlocked;
        _cron = Cron;
    }

    private readonly Action<CommandContext> _onReadable;
    private readonly Action _drainMailbox, _releaseHeld;
    private readonly Action<long> _expireBlocked, _cron;

    public int Index { get; }

    public ThreadStats Stats { get; }

    public string SourceName => _source.Name;

    /// <summary>Remembers a client of this thread that just blocked, for its timeout.</summary>
    public void TrackBlocked(BlockedClient b) => _blocked.Add(b);

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"arrakis-dp-{Index}" };
        _thread.Start();
    }

    /// <summary>Asks the loop to finish: pending replies are flushed, connections closed. Any thread.</summary>
    public void Stop()
    {
        _stopping = true;
        Wake();
    }

    public void Join(TimeSpan timeout) => _thread?.Join(timeout);

    /// <summary>
    /// Wakes the loop from its idle wait. Any thread, also after the loop ended: the source is disposed under the same
    /// lock, so a late wakeup (a Deliver, the log's completion, Stop racing the loop's own exit) never reaches a closed
    /// descriptor, whose number the process may have reused for a file by then.
    /// </summary>
    public void Wake()
    {
        lock (_wakeLock)
        {
            if (!_sourceDisposed) _source.Wake();
        }
    }

    private readonly Lock _wakeLock = new();
    private bool _sourceDisposed;

    private int _killSweep;
    private long _releasedAt = -1;
    private bool _signalWatched;
    private bool _waitsOnSignal = true;
    private int _watchedFd = -1;

    /// <summary>Adds the log's completion eventfd to the idle wait (again after a rewrite began a new segment).</summary>
    private void Rewatch(Durability.DurableLog log)
    {
        int fd = log.Log.Device.CompletionEventFd;
        _watchedFd = fd;
        _signalWatched = fd >= 0 && _source.WatchSignal(fd);
    }

    /// <summary>A client of this thread was marked for closing (CLIENT KILL): sweep at the next wakeup. Any thread.</summary>
    public void RequestKillSweep()
    {
        Interlocked.Exchange(ref _killSweep, 1);
        Wake();
    }

    /// <summary>True while some reply of this thread waits for the log (other threads then wake it when the log advances).</summary>
    public bool HoldsReplies => _holdsReplies;

    private volatile bool _holdsReplies;

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    /// <summary>
    /// Queues bytes for a session owned by this thread: MONITOR lines, pub/sub messages, or the reply
    /// that ends a blocking command (<paramref name="unblock"/>). Any thread.
    /// </summary>
    public void Deliver(ClientSession session, byte[] bytes, BlockedClient? unblock = null, long lsn = 0)
    {
        _mailbox.Enqueue((session, bytes, unblock, lsn));
        if (Thread.CurrentThread != _thread) Wake();
    }

    private void Run()
    {
        _server.DataPlaneThreadStart?.Invoke();
        if (_server.Durable is { } log)
        {
            Durability.EffectRecorder.Install(new Durability.EffectRecorder(log));
            log.Attach(this);
            Rewatch(log);
        }
        long lastActivity = Stopwatch.GetTimestamp();
        long nextCron = ServerClock.MonotonicMs;
        try
        {
            while (!_stopping)
            {
                // Replies wait for a log write in flight: do not spin, sleep until it completes. The write's
                // completion (O_DIRECT + RWF_DSYNC on a file) runs in a kernel worker bound to this CPU: a
                // thread spinning here delays it by up to a scheduler slice (measured: 1 ms of spinning gave a
                // 1 ms p50; no spin gave 170 us, the disk's own flush ~130 us). What is ready now is handled
                // first; then the thread sleeps on the completion alone (WaitSignal), so requests that arrive
                // meanwhile are read together once it completes: one wakeup per write, as Redis's loop blocked
                // in fsync, instead of one per request (at 50 clients 0.44 -> 0.12 context switches and
                // 12.3 -> 10.3 us of CPU per request, SET/s +26%). They go into the next write either way.
                bool sleepOnLog = _held.Count > 0 && _signalWatched && _server.Durable is { HasWork: true };
                int n = _source.Poll(_events, sleepOnLog && !_waitsOnSignal ? IdleWait(nextCron) : 0);
                if (n == 0 && sleepOnLog && _waitsOnSignal)
                {
                    if (_source.WaitSignal(IdleWait(nextCron))) n = _source.Poll(_events, 0);
                    else _waitsOnSignal = false; // this source cannot: sleep in Poll as above from now on
                }
                if (n == 0 && !sleepOnLog)
                {
                    long spinTicks = Math.Max(0, _server.Options.IdleSpinMicroseconds) * Stopwatch.Frequency / 1_000_000;
                    if (Stopwatch.GetTimestamp() - lastActivity >= spinTicks)
                    {
                        int wait = IdleWait(nextCron);
                        // Replies wait for a log write in flight: without a completion signal in the
                        // idle wait, keep polling (the write completes within a flush time).
                        if (_held.Count > 0 && !_signalWatched && _server.Durable is { HasWork: true }) wait = 0;
                        n = _source.Poll(_events, wait);
                    }
                    else
                    {
                        Thread.SpinWait(20);
                    }
                }
                if (n > 0)
                {
                    lastActivity = Stopwatch.GetTimestamp();
                    MemoryHousekeeping.NoteActivity(ServerClock.MonotonicMs);
                    for (int i = 0; i < n; i++) Guarded(_events[i]);
                }
                if (_deferredReadable is { } deferred)
                {
                    // Input that arrived for a script's own client while the script was busy.
                    _deferredReadable = null;
                    if (!deferred.Session.Closed) Guarded(_onReadable, deferred, "deferred input");
                }
                if (!_mailbox.IsEmpty) Guarded(_drainMailbox, "mailbox");
                if (_server.Durable is { } durable)
                {
                    if (durable.Log.Device.CompletionEventFd != _watchedFd) Rewatch(durable); // a rewrite began a new segment
                    if (durable.HasWork) durable.Pump();
                    // Held replies move only when the durable LSN moved (or the log failed).
                    if (_held.Count > 0 && (durable.DurableLsn != _releasedAt || durable.FailedErrno != 0))
                    {
                        _releasedAt = durable.DurableLsn;
                        Guarded(_releaseHeld, "held replies");
                    }
                }
                // End of the batch: a source that holds sends (a NIC queue) transmits them now.
                _source.Flush();
                long now = ServerClock.MonotonicMs;
                if (_blocked.Count > 0) Guarded(_expireBlocked, now, "blocked-client timeouts");
                if (now >= nextCron)
                {
                    Guarded(_cron, now, "cron");
                    nextCron = now + 1000 / Math.Max(1, _server.Options.Hz);
                }
            }
        }
        catch (Exception e)
        {
            // Only the network source itself failing ends up here (Poll); everything else is guarded.
            _log.LogCritical(e, "data-plane thread {Index} stopped: its network source failed", Index);
        }
        finally
        {
            // A graceful stop first makes the held writes durable, so their replies can still go out.
            if (_held.Count > 0 && _server.Durable is { } stopping && stopping.Log.Drain(5000) == 0) ReleaseHeld();
            foreach (var ctx in _sessions.Values.ToList())
            {
                Flush(ctx);
                Close(ctx, reason: null);
            }
            lock (_wakeLock)
            {
                _sourceDisposed = true;
                _source.Dispose();
            }
        }
    }

    /// <summary>
    /// Handles one event; an exception that escapes (a bug: command handlers have their own net)
    /// closes only the connection it came from, and is logged and counted.
    /// </summary>
    private void Guarded(ConnectionEvent e)
    {
        try
        {
            Handle(e);
        }
        catch (Exception ex)
        {
            Stats.LoopFailures++;
            _log.LogError(ex, "data-plane thread {Index}: {Kind} event on connection {Connection} failed; closing that connection", Index, e.Kind, e.Connection);
            if (_sessions.TryGetValue(e.Connection, out var ctx)) CloseQuietly(ctx);
        }
    }

    private void Guarded<T>(Action<T> step, T argument, string what)
    {
        try
        {
            step(argument);
        }
        catch (Exception ex)
        {
            Stats.LoopFailures++;
            _log.LogError(ex, "data-plane thread {Index}: {What} failed; the thread goes on", Index, what);
        }
    }

    private void Guarded(Action step, string what)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            Stats.LoopFailures++;
            _log.LogError(ex, "data-plane thread {Index}: {What} failed; the thread goes on", Index, what);
        }
    }

    private void CloseQuietly(CommandContext ctx)
    {
        try
        {
            ctx.Session.Output.Clear();
            Close(ctx, reason: "internal error");
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "data-plane thread {Index}: closing client {Id} failed", Index, ctx.Session.Id);
        }
    }

    /// <summary>
    /// Called from a busy script's hook on this thread: serves the other connections once (they get
    /// BUSY, or run SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE), as Redis processes events while a
    /// script is slow. The script's own connection is left alone until the script returns.
    /// </summary>
    public void ServeWhileBusy(CommandContext running)
    {
        if (_servingBusy) return;
        _servingBusy = true;
        try
        {
            int n = _source.Poll(_busyEvents, 0);
            for (int i = 0; i < n; i++)
            {
                var e = _busyEvents[i];
                if (e.Connection == running.Session.Connection)
                {
                    if (e.Kind == ConnectionEventKind.Readable) _deferredReadable = running;
                    continue;
                }
                Guarded(e);
            }
            _source.Flush();
        }
        finally
        {
            _servingBusy = false;
        }
    }

    private void Handle(ConnectionEvent e)
    {
        switch (e.Kind)
        {
            case ConnectionEventKind.Accepted:
                Accept(e.Connection);
                break;
            case ConnectionEventKind.Readable:
                if (_sessions.TryGetValue(e.Connection, out var r)) OnReadable(r);
                break;
            case ConnectionEventKind.Writable:
                if (_sessions.TryGetValue(e.Connection, out var w)) OnWritable(w);
                break;
            case ConnectionEventKind.Refused:
                Stats.RejectedConnections++;
                if (Stats.RejectedConnections == 1 || Stats.RejectedConnections % 1000 == 0)
                    _log.LogWarning("Out of file descriptors: connection refused with the max-clients error ({Count} so far on this thread); raise the open files limit (ulimit -n) or lower maxclients", Stats.RejectedConnections);
                break;
            case ConnectionEventKind.Wakeup:
                // Wakeups also come from the mailbox and the log's completions: only a CLIENT KILL needs the sweep.
                if (Interlocked.Exchange(ref _killSweep, 0) == 0) break;
                foreach (var ctx in _sessions.Values.ToList())
                {
                    if (ctx.Session.KillRequested) Close(ctx, reason: null);
                }
                break;
        }
    }

    private void Accept(long connection)
    {
        var (remote, local) = _source.DescribeEndpoints(connection);
        if (_server.Clients.Count >= _server.Options.MaxClients)
        {
            _source.Send(connection, "-ERR max number of clients reached\r\n"u8);
            _source.Close(connection);
            Stats.RejectedConnections++;
            return;
        }
        var session = new ClientSession(_server.Clients.NextId(), connection, this, _server.Limits, remote, local);
        session.Authenticated = _server.Options.RequirePass.Length == 0;
        _server.Clients.Add(session);
        _sessions[connection] = new CommandContext(session, _server, this);
        Stats.Connections++;
        _source.SetInterest(connection, readable: true, writable: false);
    }

    private void OnReadable(CommandContext ctx)
    {
        var s = ctx.Session;
        if (s.ReadPaused || s.CloseAfterReply) return;
        var free = s.Input.FreeSpace(_server.Options.ClientQueryBufferLimit);
        if (free.IsEmpty)
        {
            _log.LogWarning("Closing client that reached max query buffer length: id={Id} addr={Addr}", s.Id, s.Remote);
            Close(ctx, reason: "query buffer limit");
            return;
        }
        int n = _source.Receive(s.Connection, free);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
        if (n <= 0)
        {
            Close(ctx, reason: null);
            return;
        }
        s.Input.End += n;
        Stats.NetInputBytes += n;
        Stats.ReadsProcessed++;
        s.LastInteractionMs = ServerClock.MonotonicMs;
        Pump(ctx);
    }

    private void OnWritable(CommandContext ctx) => Pump(ctx);

    /// <summary>
    /// Runs what is parsed and sends the replies; when reading paused for backpressure and the
    /// replies then drained (at once, or on a later writable event), goes on with the input left.
    /// </summary>
    private void Pump(CommandContext ctx)
    {
        var s = ctx.Session;
        while (true)
        {
            ProcessInput(ctx);
            Flush(ctx);
            if (s.Closed || !s.ReadPaused || s.Output.Pending >= _server.Options.OutputBackpressureBytes / 2) return;
            s.ReadPaused = false;
        }
    }

    private void ProcessInput(CommandContext ctx)
    {
        var s = ctx.Session;
        var requirePass = _server.Options.RequirePass.Length > 0;
        while (!s.CloseAfterReply && !s.ReadPaused && !s.Closed && s.Blocked is null)
        {
            if (s.Input.Unparsed == 0) break;
            s.Reader.AuthenticationRequired = requirePass && !s.Authenticated;
            var status = s.Reader.TryRead(s.Input.UnparsedSpan, s.Args, out int consumed);
            if (status == RespParseStatus.NeedMoreData) break;
            if (status == RespParseStatus.InvalidData)
            {
                s.Writer.WriteError("ERR " + s.Reader.Error);
                Stats.CountError("ERR");
                s.CloseAfterReply = true;
                s.Input.Start = s.Input.End;
                break;
            }
            ctx.ArgBase = s.Input.Start;
            if (s.Args.Count > 0)
            {
                CommandDispatcher.Execute(ctx);
                // Blocked clients are served after the whole command (or transaction), as Redis does.
                if (BlockingRegistry.HasReady) _server.Blocking.ServeReady(ctx);
            }
            s.Input.Start += consumed;
            if (s.Output.Pending >= _server.Options.OutputBackpressureBytes) s.ReadPaused = true;
        }
        s.Input.Trim();
        CheckOutputLimits(ctx);
    }

    /// <summary>Milliseconds the idle wait may sleep: until the next cron tick, blocked-client deadline or source timer (at most 1 s).</summary>
    private int IdleWait(long nextCron)
    {
        long until = Math.Min(nextCron, _source.NextTimerMs);
        foreach (var b in _blocked) until = Math.Min(until, b.DeadlineMs);
        // Under everysec and no, records the log staged inside its write window are written when the window ends.
        if (_server.Durable is { } durable && durable.WriteDelayMs() is >= 0 and var delay) until = Math.Min(until, ServerClock.MonotonicMs + delay);
        return (int)Math.Clamp(until - ServerClock.MonotonicMs, 0, 1000);
    }

    private void Close(CommandContext ctx, string? reason)
    {
        var s = ctx.Session;
        if (s.Closed) return;
        s.Closed = true;
        _sessions.Remove(s.Connection);
        _server.Clients.Remove(s);
        _server.RemoveMonitor(s);
        if (s.Blocked is { } b)
        {
            _server.Blocking.TryRemove(b);
            _blocked.Remove(b);
            s.Blocked = null;
        }
        _server.PubSub.RemoveAll(s);
        _server.Keyspace.Watches.UnwatchAll(s);
        _source.Close(s.Connection);
        s.Input.Release();
        s.Output.Release();
        if (reason is not null) _log.LogDebug("closed client {Id}: {Reason}", s.Id, reason);
    }

    private void DrainMailbox()
    {
        while (_mailbox.TryDequeue(out var item))
        {
            if (item.Session.Closed || !_sessions.TryGetValue(item.Session.Connection, out var ctx) || ctx.Session != item.Session) continue;
            long mark = item.Session.Output.Mark;
            item.Session.Writer.WriteRaw(item.Bytes);
            if (item.Lsn > 0 && _server.Durable is { HoldsReplies: true } log && item.Lsn > log.DurableLsn) HoldReply(ctx, mark, item.Lsn);
            if (item.Unblock is not null && item.Session.Blocked == item.Unblock)
            {
                item.Session.Blocked = null;
                _blocked.Remove(item.Unblock);
            }
            Pump(ctx);
            if (!item.Session.Closed) CheckOutputLimits(ctx); // pub/sub and MONITOR output is bounded here
        }
    }

    /// <summary>Answers blocked clients whose timeout passed (unless a push or CLIENT UNBLOCK took them first).</summary>
    private void ExpireBlocked(long now)
    {
        for (int i = _blocked.Count - 1; i >= 0; i--)
        {
            var b = _blocked[i];
            if (b.DeadlineMs > now) continue;
            if (!_server.Blocking.TryRemove(b))
            {
                // Served (its reply is on the way), or being served right now: then look again after the outcome.
                if (b.IsDone) _blocked.RemoveAt(i);
                continue;
            }
            _blocked.RemoveAt(i);
            if (!_sessions.TryGetValue(b.Session.Connection, out var ctx) || ctx.Session != b.Session) continue;
            b.Session.Writer.WriteRaw(BlockingRegistry.TimeoutReply(b));
            b.Session.Blocked = null;
            Pump(ctx);
        }
    }

    private long _lastMeasureMs;

    private void Cron(long nowMs)
    {
        if (Index == 0)
        {
            if (_server.Durable is not null) _server.Rewriter.MaybeRewrite();
            _server.Snapshots.MaybeSaveOnSchedule();
            MemoryHousekeeping.MaybeCompact(nowMs, _server.Clients.Count);
            // Notes the peak of used_memory, once a second (and at every INFO and MEMORY): the walk over every
            // table costs 50-70 us of cache misses with 256 stripes, too much for every tick of the data plane.
            if (nowMs - _lastMeasureMs >= 1000)
            {
                _lastMeasureMs = nowMs;
                MemoryFigures.Measure(_server);
            }
            _server.Metrics.MaybeSample(nowMs, _server.Sum(t => t.Commands), _server.Sum(t => t.NetInputBytes), _server.Sum(t => t.NetOutputBytes));
        }
        _expiry.RunCycle(ServerClock.UnixMs, budgetMs: Math.Max(1, 250 / Math.Max(1, _server.Options.Hz)));
        // An expired stream a blocked XREADGROUP waits on: its waiters learn the key is gone (UNBLOCKED), as Redis's expiry does.
        if (BlockingRegistry.HasReady)
        {
            // Waiters may live on any thread (replies go through their mailboxes); this thread may have no client.
            _cronContext ??= new CommandContext(new ClientSession(0, -1, this, _server.Limits, "cron", "cron"), _server, this);
            _cronContext.NowMs = ServerClock.UnixMs;
            _server.Blocking.ServeReady(_cronContext);
        }
        int timeout = _server.Options.Timeout;
        if (_sessions.Count == 0) return;
        long second = ServerClock.UnixMs / 1000;
        List<CommandContext>? closing = null;
        foreach (var ctx in _sessions.Values)
        {
            var s = ctx.Session;
            Stats.NoteBuffers(second, s.Input.Buffer.Length, s.Output.Pending);
            if (s.KillRequested || (timeout > 0 && !s.IsMonitor && s.Blocked is null && s.SubscriptionCount == 0 && nowMs - s.LastInteractionMs > timeout * 1000L))
                (closing ??= new()).Add(ctx);
            else if (s.SoftLimitSinceMs >= 0) CheckOutputLimits(ctx);
        }
        if (closing is null) return;
        foreach (var ctx in closing) Close(ctx, reason: "idle timeout or kill");
    }
}
