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

    private AppendLog _log;

    /// <summary>
    /// Taken by every append and by a rewrite's switch to the next segment (drain, manifest, <see cref="Replace"/>):
    /// records appended without stripes (FUNCTION LOAD/DELETE/FLUSH) land wholly before the drain or in the
    /// new segment, never in a segment the log has moved on from. Uncontended except during a switch.
    /// </summary>
    public Lock SwitchLock { get; } = new();

    public DurableLog(AppendLog log, string description, Configuration.ServerOptions options)
    {
        _options = options;
        _log = log;
        Description = description;
        log.DurableAdvanced = WakeWaiters;
    }

    /// <summary>The segment being appended to (replaced when a rewrite starts a new segment).</summary>
    public AppendLog Log => Volatile.Read(ref _log);

    /// <summary>One line for the startup report and INFO: the storage, the path, the I/O route.</summary>
    public string Description { get; private set; }

    /// <summary>
    /// Continues the log in a new segment. The caller holds every stripe and <see cref="SwitchLock"/> (nothing
    /// appends) and has drained the old segment (everything in it is durable); the new one starts at the next LSN.
    /// </summary>
    public void Replace(AppendLog next, string description)
    {
        next.DurableAdvanced = WakeWaiters;
        Volatile.Write(ref _log, next);
        Description = description;
    }

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

    /// <summary>The errno that refuses a write of about <c>requestBytes</c> now: the log's failure, or ENOSPC when the
    /// segment could not hold it (with a reserve); 0 if it may run. The rewrite moves the log to a new segment long before.</summary>
    public int WriteRefusal(long requestBytes) => Log.FailedErrno != 0 ? Log.FailedErrno : Log.FreeBytes < ReserveBytes + 2 * requestBytes ? 28 : 0;

    public void Attach(DataPlaneThread thread)
    {
        lock (_threads) _threads.Add(thread);
    }

    public long Append(EffectBuffer effects)
    {
        lock (SwitchLock) return Log.Append(effects);
    }

    public bool Pump()
    {
        Log.Policy = _options.AppendFsync; // CONFIG SET appendfsync takes effect here
        return Log.Pump(Runtime.ServerClock.MonotonicMs);
    }

    public bool HasWork => Log.HasWork;

    /// <summary>Milliseconds until staged records are due to be written (everysec and no), -1 when nothing waits for that.</summary>
    public int WriteDelayMs() => Log.WriteDelayMs();

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
