using Arrakis.IoBypass.Transport;
using Arrakis.Server.Configuration;
using Arrakis.Server.DataPlane;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Runtime;

/// <summary>
/// The running server: shared state plus one <see cref="DataPlaneThread"/> per configured thread,
/// each polling the network source made for it by the caller (kernel sockets, AF_XDP, in-memory).
/// </summary>
public sealed class ArrakisServer : IDisposable
{
    private readonly List<DataPlaneThread> _threads = new();
    private readonly ILogger _log;
    private int _stopped;

    public ArrakisServer(ServerOptions options, Func<int, IConnectionSource> sourceFactory, ILogger? log = null)
        : this(options, sourceFactory, log, commands: null)
    {
    }

    /// <summary>A server over its own command table (tests inject failing handlers this way).</summary>
    internal ArrakisServer(ServerOptions options, Func<int, IConnectionSource> sourceFactory, ILogger? log, Commands.CommandTable? commands)
    {
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        options.ResolveAuto();
        State = new ServerState(options, commands) { Log = _log };
        for (int i = 0; i < options.Threads; i++)
            _threads.Add(new DataPlaneThread(i, options.Threads, State, sourceFactory(i), _log));
    }

    internal ServerState State { get; }

    public ServerOptions Options => State.Options;

    /// <summary>Raised (on a data-plane thread) when a client sends SHUTDOWN.</summary>
    public event Action? ShutdownRequested
    {
        add => State.ShutdownRequested += value;
        remove => State.ShutdownRequested -= value;
    }

    public string NetworkDescription
    {
        get => State.NetworkDescription;
        set => State.NetworkDescription = value;
    }

    /// <summary>fsync of a directory (0 or -errno), for renames of snapshots and manifests to survive a crash.</summary>
    public Func<string, int> SyncDirectory
    {
        get => State.SyncDirectory;
        set => State.SyncDirectory = value;
    }

    /// <summary>Memory outside the managed heap, for a snapshot's captured stripes (native in the server process).</summary>
    public IoBypass.Memory.IOffHeapMemory OffHeap
    {
        get => State.OffHeap;
        set => State.OffHeap = value;
    }

    /// <summary>Where the key tables' record pages come from, for the whole process (set once at startup, before any
    /// key is written): the server process gives native memory, which the collector neither walks nor counts;
    /// in-process servers (tests) keep managed arrays.</summary>
    public static IoBypass.Memory.IOffHeapMemory RecordPageMemory
    {
        get => Keyspace.RecordHeap.TablePages;
        set => Keyspace.RecordHeap.TablePages = value;
    }

    public string ConfigFile
    {
        get => State.ConfigFile;
        set => State.ConfigFile = value;
    }

    /// <summary>Number of commands in the command table (for the startup report).</summary>
    public int CommandCount => State.Commands.Count;

    /// <summary>
    /// Recovers the keyspace from the log on <paramref name="device"/> and keeps appending to it
    /// (appendonly yes). Call before <see cref="Start"/>. A torn tail is cut (zeroed) and reported;
    /// corruption of durable data throws <see cref="InvalidOperationException"/> unless
    /// <see cref="Durability.LogOpenOptions.LoadCorrupt"/> says to cut there.
    /// </summary>
    internal Durability.LogRecoveryReport OpenLog(Arrakis.IoBypass.Block.IQueuePair device, string description, Durability.LogOpenOptions options) =>
        OpenLog(device, description, options, appendHere: true);

    /// <summary>
    /// Replays one log segment; with <paramref name="appendHere"/> the log then continues on it, else it is a
    /// sealed segment (a rewrite moved on from it after making it durable) that must read back whole.
    /// </summary>
    internal Durability.LogRecoveryReport OpenLog(Arrakis.IoBypass.Block.IQueuePair device, string description, Durability.LogOpenOptions options, bool appendHere)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var reader = new Arrakis.Persistence.Log.LogReader(device, options.RegionEnd);
        using var replay = new Durability.LogReplay(State, _threads[0]);
        State.Keyspace.Loading = true;
        Arrakis.Persistence.Log.LogReadResult result;
        long records = 0;
        try
        {
            result = reader.Read(options.StartOffset, options.StartLsn, r =>
            {
                replay.Apply(r);
                records++;
            });
        }
        finally
        {
            State.Keyspace.Loading = false;
        }
        var status = result.Status;
        if (status == Arrakis.Persistence.Log.LogReadStatus.DeviceError)
            throw new InvalidOperationException($"Can't read the log ({description}): {result.Message}");
        if (!appendHere)
        {
            if (status != Arrakis.Persistence.Log.LogReadStatus.Clean)
                throw new InvalidOperationException($"Bad log format reading the sealed segment {description}: {result.Message}. A segment the log moved on from must read back whole; " +
                    "keep a copy of the directory and inspect it with 'arrakis-aof check'.");
            return new Durability.LogRecoveryReport(status, records, replay.Commands, result.EndOffset, result.NextLsn, 0, started.Elapsed, result.Message);
        }
        if (status == Arrakis.Persistence.Log.LogReadStatus.TornTail && !options.LoadTruncated)
            throw new InvalidOperationException($"The log ({description}) ends in a torn write: {result.Message}. Refusing to start because aof-load-truncated is no; " +
                "start with --aof-load-truncated yes to cut it (it was never durable, so no acknowledged write is lost).");
        if (status == Arrakis.Persistence.Log.LogReadStatus.Corrupt && !options.LoadCorrupt)
            throw new InvalidOperationException($"Bad log format reading {description}: {result.Message}. Refusing to start: data that was acknowledged is unreadable. " +
                "Keep a copy of the log, then inspect it with 'arrakis-aof check', or start with --aof-load-corrupt yes to cut the log there (losing what follows).");
        if (status is Arrakis.Persistence.Log.LogReadStatus.TornTail or Arrakis.Persistence.Log.LogReadStatus.Corrupt)
        {
            int r = Arrakis.Persistence.Log.LogRepair.ZeroRange(device, result.EndOffset, result.DamagedBytes);
            if (r < 0) throw new InvalidOperationException($"Can't cut the log's damaged tail ({description}): {Arrakis.IoBypass.Block.BlockErrno.Describe(r)}");
            _log.LogWarning("!!! Warning: the log ({Description}) ended in damage: {Message}. Cut {Bytes} bytes at offset {Offset}; startup goes on with the {Records} records before it.",
                description, result.Message, result.DamagedBytes, result.EndOffset, records);
        }
        if (replay.Errors > 0)
            _log.LogWarning("{Errors} of {Commands} logged commands answered an error during replay (first: {First})", replay.Errors, replay.Commands, replay.FirstError);
        var log = new Arrakis.Persistence.Log.AppendLog(device, result.EndOffset, result.NextLsn, options.Policy, options.RegionEnd, regionStart: options.StartOffset);
        if (log.FailedErrno != 0) throw new InvalidOperationException($"Can't reopen the log ({description}) for appending: {Arrakis.IoBypass.Block.BlockErrno.Describe(log.FailedErrno)}");
        State.Options.AppendFsync = options.Policy;
        State.Durable = new Durability.DurableLog(log, description, State.Options);
        var report = new Durability.LogRecoveryReport(status, records, replay.Commands, result.EndOffset, result.NextLsn, result.DamagedBytes, started.Elapsed, result.Message);
        State.Recovery = report;
        return report;
    }

    /// <summary>Loads the log's base snapshot (expired keys kept: later records may still touch them). Throws when it cannot.</summary>
    internal string LoadBase(string path)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = Durability.RdbLoader.Load(State, path, _threads[0].Stats, skipExpired: false);
        if (result.Error is not null) throw new InvalidOperationException($"Can't load the log's base {path}: {result.Error}. Refusing to start with part of the data.");
        State.LastRdbLoad = (result.Keys, result.Expired);
        State.Rewriter.BaseBytes = new FileInfo(path).Length;
        return $"base {Path.GetFileName(path)}: {result.Keys} keys in {started.ElapsedMilliseconds} ms";
    }

    /// <summary>
    /// Loads <c>dir/dbfilename</c> when it exists (appendonly no, as Redis). Call before <see cref="Start"/>.
    /// Returns a line for the startup report; throws <see cref="InvalidOperationException"/> for a file it cannot load.
    /// </summary>
    public string LoadSnapshotIfPresent()
    {
        string path = State.Snapshots.Path;
        if (!File.Exists(path)) return $"no {State.Options.DbFilename} in {State.Options.Dir}";
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = Durability.RdbLoader.Load(State, path, _threads[0].Stats);
        if (result.Error is not null) throw new InvalidOperationException($"Can't load {path}: {result.Error}. Refusing to start with part of the data.");
        State.LastRdbLoad = (result.Keys, result.Expired);
        return $"loaded {path}: {result.Keys} keys ({result.Expired} already expired, skipped) in {started.ElapsedMilliseconds} ms";
    }

    public void Start()
    {
        foreach (var t in _threads) t.Start();
    }

    /// <summary>Stops every data-plane thread: in-flight replies are flushed and connections closed.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // As Redis on SIGTERM: with save points configured, a last snapshot before going away.
        if (State.Options.SavePoints.Length > 0 && State.Snapshots.SaveNow() is { } error)
            _log.LogError("Error trying to save the DB at shutdown: {Error}", error);
        foreach (var t in _threads) t.Stop();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(5));
        if (State.Durable is { } durable)
        {
            int r = durable.Log.Drain();
            if (r < 0) _log.LogError("The log could not be flushed at shutdown: {Error}", Arrakis.IoBypass.Block.BlockErrno.Describe(r));
        }
    }

    public void Dispose() => Stop();
}
