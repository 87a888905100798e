namespace Arrakis.Server.Runtime;

/// <summary>
/// Counters of one data-plane thread: written only by that thread without synchronisation, summed
/// by INFO (a read may be a moment stale, never torn: fields are 64-bit on 64-bit platforms).
/// </summary>
internal sealed class ThreadStats
{
    /// <summary>Distinct error codes counted before new ones are no longer tracked (Redis's limit).</summary>
    public const int ErrorCodeLimit = 128;

    /// <summary>The key the running command last looked up through <see cref="Keyspace.Db.View"/> (table, slot, database):
    /// <see cref="Keyspace.Db.Reaccount"/> finds it again without a lookup. Cleared before each command.</summary>
    internal Keyspace.KeyTable? ViewTable;
    internal int ViewSlot, ViewDb;

    public ThreadStats(int commandSlots = 0)
    {
        PerCommand = new CommandCounters[commandSlots];
        Latency = new LatencyHistogram?[commandSlots];
        _errorLookup = _errorCodes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public long Commands;
    public long Connections;
    public long RejectedConnections;
    public long ExpiredKeys;
    public long KeyspaceHits;
    public long KeyspaceMisses;
    public long Dirty;

    /// <summary>Replies that had to wait for the log (appendfsync always).</summary>
    public long HeldReplies;
    public long NetInputBytes;
    public long NetOutputBytes;

    /// <summary>Reads that brought bytes, and flushes of a client's replies (INFO's total_reads_processed, total_writes_processed).</summary>
    public long ReadsProcessed, WritesProcessed;
    public long ErrorReplies;
    public long UnknownCommandErrors;
    public long ActiveExpiryCycles;
    public long ExpiredStaleChecks;

    /// <summary>Exceptions that escaped a command handler and were turned into an error reply.</summary>
    public long HandlerFailures;

    /// <summary>Exceptions caught by the data-plane loop outside a command (the connection was closed).</summary>
    public long LoopFailures;

    /// <summary>Largest client input buffer and pending output seen by this thread's cron, per second of the
    /// last 8 (Redis's CLIENTS_PEAK_MEM_USAGE_SLOTS), for INFO client_recent_max_input/output_buffer.</summary>
    public readonly long[] RecentInputPeaks = new long[8];
    public readonly long[] RecentOutputPeaks = new long[8];
    public readonly long[] RecentPeakSecond = new long[8];

    /// <summary>Records the buffers of one client at second <paramref name="unixSeconds"/>.</summary>
    public void NoteBuffers(long unixSeconds, long input, long output)
    {
        int slot = (int)(unixSeconds % 8);
        if (RecentPeakSecond[slot] != unixSeconds)
        {
            RecentPeakSecond[slot] = unixSeconds;
            RecentInputPeaks[slot] = RecentOutputPeaks[slot] = 0;
        }
        RecentInputPeaks[slot] = Math.Max(RecentInputPeaks[slot], input);
        RecentOutputPeaks[slot] = Math.Max(RecentOutputPeaks[slot], output);
    }

    /// <summary>The largest peaks of the last 8 seconds.</summary>
    public (long Input, long Output) RecentPeaks(long unixSeconds)
    {
        long input = 0, output = 0;
        for (int i = 0; i < 8; i++)
        {
            if (unixSeconds - RecentPeakSecond[i] >= 8) continue;
            input = Math.Max(input, RecentInputPeaks[i]);
            output = Math.Max(output, RecentOutputPeaks[i]);
        }
        return (input, output);
    }

    /// <summary>Per command (indexed by <see cref="Commands.CommandDefinition.Id"/>): calls, time, rejected and failed calls.</summary>
    public readonly CommandCounters[] PerCommand;

    /// <summary>Per command latency histograms, made on a command's first call on this thread.</summary>
    public readonly LatencyHistogram?[] Latency;

    /// <summary>Error replies by error code (the first word: ERR, WRONGTYPE ...), Redis's errorstats.</summary>
    private readonly Dictionary<string, long> _errorCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _errorLookup;

    /// <summary>The error count when the last command finished (Redis's prev_err_count): a command failed when it grew.</summary>
    public long ErrorMark;

    public void CountError(string message)
    {
        ErrorReplies++;
        var span = message.AsSpan();
        int space = span.IndexOf(' ');
        var code = space < 0 ? span : span[..space];
        lock (_errorCodes)
        {
            if (_errorLookup.TryGetValue(code, out long n)) _errorLookup[code] = n + 1;
            else if (_errorCodes.Count < ErrorCodeLimit) _errorCodes[code.ToString()] = 1;
        }
    }

    /// <summary>A copy of the error-code counts (any thread).</summary>
    public KeyValuePair<string, long>[] ErrorCodes()
    {
        lock (_errorCodes) return _errorCodes.ToArray();
    }

    public void Reset()
    {
        Commands = Connections = RejectedConnections = ExpiredKeys = KeyspaceHits = KeyspaceMisses = 0;
        NetInputBytes = NetOutputBytes = ReadsProcessed = WritesProcessed = ErrorReplies = UnknownCommandErrors = ActiveExpiryCycles = ExpiredStaleChecks = 0;
        HandlerFailures = LoopFailures = ErrorMark = 0;
        Array.Clear(PerCommand);
        Array.Clear(Latency);
        lock (_errorCodes) _errorCodes.Clear();
    }
}
