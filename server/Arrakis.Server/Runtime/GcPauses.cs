using System.Diagnostics.Tracing;

namespace Arrakis.Server.Runtime;

/// <summary>
/// Collections and the pauses they cause, from the runtime's own GC events (an in-process listener on
/// Microsoft-Windows-DotNETRuntime, GC keyword, informational level: a few events per collection, none per
/// allocation). A pause runs from GCSuspendEEBegin to GCRestartEEEnd: the time every managed thread,
/// the data-plane loops included, stood still. INFO stats shows the figures (arrakis_gc_*); CONFIG
/// RESETSTAT starts them again.
/// </summary>
internal sealed class GcPauses : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;
    private const int GCStart = 1, RestartEEEnd = 3, SuspendEEEnd = 8, SuspendEEBegin = 9;

    // GCStart's Reason and Type payloads, as the runtime numbers them (gc_reason, gc_type).
    private static readonly string[] Reasons = ["alloc-small", "induced", "low-memory", "empty", "alloc-large", "out-of-space-soh",
        "out-of-space-uoh", "induced-not-forced", "internal", "induced-low-memory", "induced-compacting", "low-memory-host",
        "pm-full", "low-memory-host-blocking", "bgc-tuning-soh", "bgc-tuning-loh", "bgc-stepping", "induced-aggressive"];
    private static readonly string[] Types = ["blocking", "background", "foreground"];

    private static GcPauses? _instance;
    private long _suspendedAt, _suspendTicks;
    private string _current = "", _maxCause = "";
    private long _pauses, _totalTicks, _maxTicks, _over1ms, _maxSuspendTicks;
    private readonly long[] _collectionsAtReset = new long[3];

    /// <summary>Starts listening (once per process).</summary>
    public static GcPauses Instance
    {
        get
        {
            if (Volatile.Read(ref _instance) is { } i) return i;
            var created = new GcPauses();
            if (Interlocked.CompareExchange(ref _instance, created, null) is { } other)
            {
                created.Dispose();
                return other;
            }
            return created;
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource) EnableEvents(source, EventLevel.Informational, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventId == GCStart && e.Payload is { } payload && e.PayloadNames is { } names)
        {
            uint depth = 0, reason = uint.MaxValue, type = uint.MaxValue;
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] == "Depth") depth = Convert.ToUInt32(payload[i]);
                else if (names[i] == "Reason") reason = Convert.ToUInt32(payload[i]);
                else if (names[i] == "Type") type = Convert.ToUInt32(payload[i]);
            }
            _current = $"gen{depth} {(reason < Reasons.Length ? Reasons[reason] : "reason-" + reason)} {(type < Types.Length ? Types[type] : "type-" + type)}";
        }
        else if (e.EventId == SuspendEEBegin) _suspendedAt = e.TimeStamp.Ticks;
        else if (e.EventId == SuspendEEEnd && _suspendedAt != 0) _suspendTicks = Math.Max(0, e.TimeStamp.Ticks - _suspendedAt);
        else if (e.EventId == RestartEEEnd && _suspendedAt != 0)
        {
            long ticks = Math.Max(0, e.TimeStamp.Ticks - _suspendedAt);
            _suspendedAt = 0;
            lock (_collectionsAtReset)
            {
                _pauses++;
                _totalTicks += ticks;
                if (ticks > _maxTicks)
                {
                    _maxTicks = ticks;
                    _maxCause = _current;
                }
                if (ticks > TimeSpan.TicksPerMillisecond) _over1ms++;
                _maxSuspendTicks = Math.Max(_maxSuspendTicks, _suspendTicks);
            }
        }
    }

    /// <summary>The figures since the start or the last <see cref="Reset"/>.</summary>
    /// <remarks><c>MaxCause</c> is the collection that paused longest, as the runtime's GCStart event
    /// describes it: generation, reason and type (blocking, background or foreground).
    /// <c>MaxSuspendUs</c> is the longest wait, within a pause, for every thread to stop (SuspendEEBegin to SuspendEEEnd).</remarks>
    public (long Gen0, long Gen1, long Gen2, long Pauses, long TotalUs, long MaxUs, long Over1ms, string MaxCause, long MaxSuspendUs) Read()
    {
        lock (_collectionsAtReset)
        {
            return (GC.CollectionCount(0) - _collectionsAtReset[0], GC.CollectionCount(1) - _collectionsAtReset[1],
                GC.CollectionCount(2) - _collectionsAtReset[2], _pauses, _totalTicks / 10, _maxTicks / 10, _over1ms, _maxCause, _maxSuspendTicks / 10);
        }
    }

    public void Reset()
    {
        lock (_collectionsAtReset)
        {
            for (int g = 0; g < 3; g++) _collectionsAtReset[g] = GC.CollectionCount(g);
            _pauses = _totalTicks = _maxTicks = _over1ms = _maxSuspendTicks = 0;
            _maxCause = "";
        }
    }
}
