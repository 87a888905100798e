using System.Collections.Concurrent;
using Arrakis.Protocol;
using Arrakis.Server.Commands;
using Arrakis.Server.Configuration;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Runtime;

/// <summary>
/// What all data-plane threads share: options, keyspace, clients, command table, slow log,
/// monitors, and the counters INFO reports. Thread-safe members only.
/// </summary>
internal sealed class ServerState
{
    public ServerState(ServerOptions options, CommandTable? commands = null)
    {
        Options = options;
        _ = GcPauses.Instance; // listening from the start: INFO's arrakis_gc_* figures
        Keyspace = new Keyspace.Keyspace(options.Databases);
        Commands = commands ?? CommandTable.Default;
        RunId = Convert.ToHexStringLower(RandomBytes(20));
        Limits = new RequestLimits { MaxBulkLength = options.ProtoMaxBulkLen };
        Keyspace.Events = new Arrakis.Server.Commands.PubSub.KeyspaceEvents(PubSub);
        Keyspace.Blocking = Blocking;
        if (Arrakis.Server.Commands.PubSub.KeyspaceEvents.TryParse(options.NotifyKeyspaceEvents, out var flags)) Keyspace.Events.Set(flags);
    }

    public ServerOptions Options { get; }

    /// <summary>Managed heap in use when the server was built: used_memory_startup, the base of <see cref="MemoryFigures"/>.</summary>
    public long StartupMemory { get; } = GC.GetTotalMemory(false);

    private long _peakMemory;

    /// <summary>Largest used_memory (<see cref="MemoryFigures"/>) seen by INFO, MEMORY or the cron.</summary>
    public long PeakMemory => Math.Max(Volatile.Read(ref _peakMemory), StartupMemory);

    public void NotePeakMemory(long bytes)
    {
        long seen;
        while (bytes > (seen = Volatile.Read(ref _peakMemory)) && Interlocked.CompareExchange(ref _peakMemory, bytes, seen) != seen)
        {
        }
    }

    /// <summary>Where the data plane reports what it caught (handler failures, loop failures).</summary>
    public Microsoft.Extensions.Logging.ILogger Log { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    public Keyspace.Keyspace Keyspace { get; }

    /// <summary>The append-only log, or null when appendonly is off. Set before the data-plane threads start.</summary>
    public Durability.DurableLog? Durable { get; set; }

    /// <summary>SAVE/BGSAVE and what the last one did.</summary>
    public Durability.SnapshotWriter Snapshots => _snapshots ??= new Durability.SnapshotWriter(this);

    private Durability.SnapshotWriter? _snapshots;

    /// <summary>BGREWRITEAOF and the automatic rewrite.</summary>
    public Durability.LogRewriter Rewriter => _rewriter ??= new Durability.LogRewriter(this);

    private Durability.LogRewriter? _rewriter;

    /// <summary>The append-only directory (null with appendonly no).</summary>
    public Durability.LogDirectory? LogDirectory { get; set; }

    /// <summary>The dirty counter's sum when the last successful snapshot began (rdb_changes_since_last_save).</summary>
    public long DirtyAtLastSave { get; set; }

    /// <summary>fsync of a directory (0 or -errno): the host gives the real one (a managed handle cannot open a directory).</summary>
    public Func<string, int> SyncDirectory { get; set; } = _ => 0;

    /// <summary>Memory outside the managed heap (a snapshot's captured stripes): the host gives native memory.</summary>
    public IoBypass.Memory.IOffHeapMemory OffHeap { get; set; } = IoBypass.Memory.ManagedOffHeapMemory.Instance;

    /// <summary>Runs first on every data-plane thread (the host pins it to server_cpulist there).</summary>
    public Action? DataPlaneThreadStart { get; set; }

    /// <summary>Runs first on every thread a save or a rewrite starts (the host pins it to bgsave_cpulist or
    /// aof_rewrite_cpulist there). Not on a data-plane thread running SAVE itself.</summary>
    public Action<BackgroundWork>? BackgroundThreadStart { get; set; }

    /// <summary>What startup recovery found (null without a log).</summary>
    public Durability.LogRecoveryReport? Recovery { get; set; }

    /// <summary>Keys the last RDB load at startup (dump.rdb or the log's base) stored, and skipped as already expired
    /// (INFO's rdb_last_load_keys_loaded and rdb_last_load_keys_expired).</summary>
    public (long Loaded, long Expired) LastRdbLoad { get; set; }
    public CommandTable Commands { get; }
    public ClientRegistry Clients { get; } = new();
    public SlowLog SlowLog { get; } = new();
    public InstantaneousMetrics Metrics { get; } = new();
    public BlockingRegistry Blocking { get; } = new();

    /// <summary>EVAL's Lua state and script cache.</summary>
    public Scripting.ScriptEngine Scripts => LazyInitializer.EnsureInitialized(ref _scripts, () => new Scripting.ScriptEngine(this));

    private Scripting.ScriptEngine? _scripts;

    /// <summary>The functions' Lua state and libraries (FUNCTION, FCALL).</summary>
    public Scripting.FunctionEngine Functions => LazyInitializer.EnsureInitialized(ref _functions, () => new Scripting.FunctionEngine(this));

    private Scripting.FunctionEngine? _functions;
    public PubSubRegistry PubSub { get; } = new();
    public string RunId { get; }
    public RequestLimits Limits { get; }
    public long StartUnixMs { get; } = ServerClock.UnixMs;
    public long StartMonotonicMs { get; } = ServerClock.MonotonicMs;
    public string ExecutablePath { get; set; } = Environment.ProcessPath ?? "";
    public string ConfigFile { get; set; } = "";
    public string NetworkDescription { get; set; } = "";

    /// <summary>Every thread's counters, for INFO.</summary>
    public ConcurrentBag<ThreadStats> ThreadStats { get; } = new();

    /// <summary>Every thread's network source, for the sources' own counters in INFO.</summary>
    public ConcurrentBag<IoBypass.Transport.IConnectionSource> Sources { get; } = new();

    /// <summary>Clients in MONITOR mode; fed by every thread. Change only through Add/RemoveMonitor.</summary>
    public ConcurrentDictionary<long, ClientSession> Monitors { get; } = new();

    private volatile int _monitorCount;

    /// <summary>Read on every command: a plain volatile read (ConcurrentDictionary.IsEmpty takes all its locks when empty).</summary>
    public bool HasMonitors => _monitorCount > 0;

    public void AddMonitor(ClientSession s)
    {
        Monitors[s.Id] = s;
        _monitorCount = Monitors.Count;
    }

    public void RemoveMonitor(ClientSession s)
    {
        if (Monitors.TryRemove(s.Id, out _)) _monitorCount = Monitors.Count;
    }

    /// <summary>Raised by SHUTDOWN; the host stops the server.</summary>
    public event Action? ShutdownRequested;

    public void RequestShutdown() => ShutdownRequested?.Invoke();

    /// <summary>Counters reset by CONFIG RESETSTAT that no thread owns.</summary>
    public long StatResetUnixMs;

    public long Sum(Func<ThreadStats, long> field)
    {
        long n = 0;
        foreach (var s in ThreadStats) n += field(s);
        return n;
    }

    /// <summary>Random bytes from the kernel (/dev/urandom, as Redis seeds its run id): the crypto library's
    /// generator would map OpenSSL into every process (3.7 MB resident) for 20 bytes.</summary>
    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        try
        {
            using var urandom = File.OpenRead("/dev/urandom");
            urandom.ReadExactly(bytes);
        }
        catch (IOException)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        }
        catch (UnauthorizedAccessException)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        }
        return bytes;
    }
}
