using Arrakis.Persistence.Log;
using Arrakis.Server.DataPlane;

namespace Arrakis.Server.Durability;

/// <summary>
/// The server's side of the append-only log: the <see cref="AppendLog"/> every data-plane thread
/// appends to and pumps, the fsync policy, and the wakeups that release held replies on other threads
/// when the durable LSN advances.
/// </summary>
/// <remarks>
/// The data-plane contract: after each round of network events a thread calls <see cref="Pump"/>
/// (never blocks; one thread drives the device at a time), then sends the replies whose LSN is durable.
/// A thread that holds replies waits on the device's completion eventfd beside its network source
/// when the source can watch it; otherwise it does not sleep while a write is in flight.
/// </remarks>
internal sealed class DurableLog : IDisposable
{
    private readonly List<DataPlaneThread> _threads = new();

    private readonly Configuration.ServerOptions _options;

    public DurableLog(AppendLog log, string description, Configuration.ServerOptions options)
    {
        _options = options;
        Log = log;
        Description = description;
        log.DurableAdvanced = WakeWaiters;
    }

    public AppendLog Log { get; }

    /// <summary>One line for the startup report and INFO: the storage, the path, the I/O route.</summary>
    public string Description { get; }

    public FsyncPolicy Policy
    {
        get => Log.Policy;
        set => Log.Policy = value;
    }

    /// <summary>Replies wait for durability only under appendfsync always.</summary>
    public bool HoldsReplies => _options.AppendFsync == FsyncPolicy.Always;

    public long DurableLsn => Log.DurableLsn;

    public long LastLsn => Log.LastLsn;

    public int FailedErrno => Log.FailedErrno;

    /// <summary>Free space below which write commands are refused before they run (MISCONF).</summary>
    public const long ReserveBytes = 1 << 20;

    /// <summary>The errno that refuses writes now: the log's failure, or ENOSPC when the device is nearly full; 0 if writes may run.</summary>
    public int WriteRefusal => Log.FailedErrno != 0 ? Log.FailedErrno : Log.FreeBytes < ReserveBytes ? 28 : 0;

    public void Attach(DataPlaneThread thread)
    {
        lock (_threads) _threads.Add(thread);
    }

    public long Append(EffectBuffer effects) => Log.Append(effects);

    public bool Pump()
    {
        Log.Policy = _options.AppendFsync; // CONFIG SET appendfsync takes effect here
        return Log.Pump(Runtime.ServerClock.MonotonicMs);
    }

    public bool HasWork => Log.HasWork;

    private void WakeWaiters()
    {
        DataPlaneThread[] threads;
        lock (_threads) threads = _threads.ToArray();
        foreach (var t in threads)
        {
            if (t.HoldsReplies && !t.IsCurrentThread) t.Wake();
        }
    }

    public void Dispose() => Log.Dispose();
}
