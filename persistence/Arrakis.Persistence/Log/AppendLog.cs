using System.Buffers.Binary;
using System.Diagnostics;
using Arrakis.IoBypass.Block;

namespace Arrakis.Persistence.Log;

/// <summary>
/// The append-only log on a block queue pair, with group commit: any thread appends a record (one
/// LSN, in the order the appends take the log's lock); <see cref="Pump"/> writes everything appended
/// since the last write as one frame, followed by a linked flush, and advances
/// <see cref="DurableLsn"/> when the flush completes. One write is in flight at a time: what arrives
/// meanwhile goes into the next frame. Under <see cref="FsyncPolicy.EverySec"/> and <see cref="FsyncPolicy.No"/>,
/// where no reply waits for the device, writes start at most once per <see cref="WriteWindowMicros"/> (sooner
/// when <see cref="WriteWindowBytes"/> are staged or the second's flush is due): see <see cref="WriteDelayMs"/>.
/// </summary>
/// <remarks>
/// Threading: <see cref="Append"/> from any thread (short lock: a copy into the staging buffer).
/// <see cref="Pump"/> from any thread; one pumps at a time (the others return at once), so the queue
/// pair has one owner at any moment. <see cref="DurableLsn"/> may be read anywhere. Buffers are allocated
/// from the queue pair under the append lock (whose allocator is not thread-safe): two logs share a queue
/// pair only one after the other, the first <see cref="Retire"/>d and disposed before the second is made.
/// Failure: a failed write or flush, or a full device, puts the log into a failed state for good
/// (<see cref="FailedErrno"/>); nothing after the last durable LSN will ever become durable.
/// </remarks>
public sealed class AppendLog : IDisposable
{
    private const ulong WriteTag = 1, FlushTag = 2;

    /// <summary>Frames of at most this many records are written with FUA where the device has it (see <see cref="Start"/>).</summary>
    public const int FuaMaxRecords = 2;

    /// <summary>
    /// Under everysec and no, a write starts no sooner than this after the previous one began: at 50 clients one
    /// O_DIRECT write per loop turn (~6.5k/s) made the longest SET 14-17 ms against 5 ms without the log (and
    /// redis-server's 6-8 ms); one write per millisecond at most brought it to 5-7 ms (`appendfsync no` alike, so
    /// it was the writes, not the flush). A lone write after a quiet millisecond still starts at once.
    /// </summary>
    public const int WriteWindowMicros = 1000;

    /// <summary>Staged bytes that start a write at once under everysec and no, whatever <see cref="WriteWindowMicros"/> says.</summary>
    public const int WriteWindowBytes = 256 << 10;

    private static readonly long WriteWindowTicks = WriteWindowMicros * Stopwatch.Frequency / 1_000_000;
    private readonly IQueuePair _device;
    private readonly Lock _appendLock = new();
    private readonly Lock _pumpLock = new();
    private readonly long _regionEnd;
    private readonly int _block;
    private BlockBuffer _filling, _spare;
    private long _fillBase;        // device offset of _filling[0] (block aligned)
    private int _fillLength;       // bytes used: tail of the previous block + frames
    private int _frameStart = -1;  // where the open frame's header goes, -1: none open
    private long _frameFirstLsn;
    private int _frameRecords;
    private long _lastLsn;         // last LSN handed out
    private long _durableLsn;
    private long _writtenLsn;      // on the device (maybe in its volatile cache)
    private bool _inFlight, _inFlightHasFlush, _inFlightFua;
    private int _inFlightLength;
    private long _inFlightLastLsn;
    private int _failed;
    private bool _retired;
    private long _lastFlushMs;
    private long _lastWriteTicks = long.MinValue / 2; // Stopwatch timestamp of the last write's start
    private readonly BlockCompletion[] _completions = new BlockCompletion[8];

    /// <summary>
    /// Opens the log for appending at <paramref name="endOffset"/> (where recovery found its end) with
    /// <paramref name="nextLsn"/> as the next record's LSN. Reads the partial block before the end back
    /// (startup path: waits for the device). The log's region on the device is [<paramref name="regionStart"/>,
    /// <paramref name="regionEnd"/>) (-1: the device's end).
    /// </summary>
    public AppendLog(IQueuePair device, long endOffset, long nextLsn, FsyncPolicy policy, long regionEnd = -1, int bufferBytes = 1 << 20, long regionStart = 0)
    {
        _device = device;
        _block = device.BlockSize;
        _regionEnd = regionEnd < 0 ? device.Capacity : Math.Min(regionEnd, device.Capacity);
        RegionStart = regionStart;
        Policy = policy;
        _filling = device.AllocateBuffer(Math.Max(bufferBytes, 2 * _block));
        _spare = device.AllocateBuffer(_filling.Length);
        _lastLsn = nextLsn - 1;
        _durableLsn = _writtenLsn = _lastLsn;
        _fillBase = endOffset / _block * _block;
        _fillLength = (int)(endOffset - _fillBase);
        if (_fillLength > 0)
        {
            int r = ReadSync(_filling, _fillBase);
            if (r < 0) _failed = -r;
        }
        _filling.Span[_fillLength..].Clear();
    }

    public FsyncPolicy Policy { get; set; }

    public IQueuePair Device => _device;

    /// <summary>Where the log's region on the device begins (its first frame).</summary>
    public long RegionStart { get; }

    /// <summary>Where the log's region on the device ends.</summary>
    public long RegionEnd => _regionEnd;

    /// <summary>Bytes of log in the region (Redis's aof_current_size, without the base).</summary>
    public long UsedBytes => EndOffset - RegionStart;

    /// <summary>The last LSN handed out by <see cref="Append"/>.</summary>
    public long LastLsn => Volatile.Read(ref _lastLsn);

    /// <summary>Every record up to this LSN is on stable storage.</summary>
    public long DurableLsn => Volatile.Read(ref _durableLsn);

    /// <summary>Where the next frame will start on the device.</summary>
    public long EndOffset
    {
        get
        {
            lock (_appendLock) return _fillBase + _fillLength;
        }
    }

    /// <summary>Bytes appended and not yet handed to the device (Redis's aof_buffer_length).</summary>
    public long StagedBytes
    {
        get
        {
            lock (_appendLock) return _frameStart < 0 ? 0 : _fillLength - _frameStart;
        }
    }

    /// <summary>0 while healthy; else the errno that stopped the log (ENOSPC when the device is full).</summary>
    public int FailedErrno => Volatile.Read(ref _failed);

    /// <summary>Bytes left on the device for new frames.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_appendLock) return _regionEnd - (_fillBase + _fillLength);
        }
    }

    /// <summary>Called (on the pumping thread) after <see cref="DurableLsn"/> advanced or the log failed.</summary>
    public Action? DurableAdvanced { get; set; }

    public LogCounters Counters { get; } = new();

    /// <summary>True when a write is in flight or appended records wait for one.</summary>
    public bool HasWork => Volatile.Read(ref _lastLsn) > Volatile.Read(ref _writtenLsn) || Volatile.Read(ref _inFlight) || NeedsFlush;

    private bool NeedsFlush => Policy != FsyncPolicy.No && Volatile.Read(ref _writtenLsn) > Volatile.Read(ref _durableLsn);

    /// <summary>
    /// Milliseconds (rounded up) until records staged now are due to be written, for the caller's idle wait: -1 when
    /// no write is owed (nothing staged; a write in flight, whose completion wakes the caller; a failed or retired
    /// log, which writes no more), 0 when due now (always under <see cref="FsyncPolicy.Always"/>, which never waits).
    /// </summary>
    public int WriteDelayMs()
    {
        if (Volatile.Read(ref _failed) != 0 || Volatile.Read(ref _retired) || Volatile.Read(ref _inFlight)
            || Volatile.Read(ref _lastLsn) <= Volatile.Read(ref _writtenLsn)) return -1;
        if (Policy == FsyncPolicy.Always) return 0;
        long left = Volatile.Read(ref _lastWriteTicks) + WriteWindowTicks - Stopwatch.GetTimestamp();
        return left <= 0 ? 0 : (int)((left * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
    }

    /// <summary>
    /// Appends one record (<paramref name="effects"/>'s commands) and returns its LSN, or -1 when the log
    /// failed or is full (then nothing was appended). Any thread; callers that need the serial order hold
    /// the locks of what the record touches.
    /// </summary>
    public long Append(EffectBuffer effects)
    {
        var body = effects.Body;
        int need = 8 + body.Length;
        lock (_appendLock)
        {
            if (_failed != 0 || _retired) return -1;
            int header = _frameStart < 0 ? LogFrame.HeaderSize : 0;
            if (_fillBase + _fillLength + header + need > _regionEnd)
            {
                Fail(BlockErrno.ENOSPC);
                return -1;
            }
            if ((long)_fillLength + header + need + _block > _filling.Length && !Grow(_fillLength + header + need + _block)) return -1;
            if (_frameStart < 0)
            {
                _frameStart = _fillLength;
                _frameFirstLsn = _lastLsn + 1;
                _frameRecords = 0;
                _fillLength += LogFrame.HeaderSize;
            }
            var dst = _filling.Span.Slice(_fillLength, need);
            BinaryPrimitives.WriteInt32LittleEndian(dst, 4 + body.Length);
            BinaryPrimitives.WriteInt32LittleEndian(dst[4..], effects.CommandCount);
            body.CopyTo(dst[8..]);
            _fillLength += need;
            _frameRecords++;
            long lsn = _lastLsn + 1;
            Volatile.Write(ref _lastLsn, lsn);
            return lsn;
        }
    }

    private bool Grow(long needed)
    {
        if (needed > int.MaxValue - _block)
        {
            Fail(BlockErrno.ENOMEM);
            return false;
        }
        var bigger = _device.AllocateBuffer((int)Math.Min(Math.Max(needed, (long)_filling.Length * 2), int.MaxValue - _block));
        _filling.Span[.._fillLength].CopyTo(bigger.Span);
        _filling.Dispose();
        _filling = bigger;
        return true;
    }

    /// <summary>
    /// Drives the device: reaps completions (advancing <see cref="DurableLsn"/>), then, when nothing is in
    /// flight, writes what was appended (with a linked flush under <see cref="FsyncPolicy.Always"/>, and
    /// about once a second under <see cref="FsyncPolicy.EverySec"/>). Never blocks; returns at once when
    /// another thread is pumping. Returns true when the durable LSN advanced.
    /// </summary>
    public bool Pump(long nowMs) => Pump(nowMs, force: false);

    /// <summary><see cref="Pump(long)"/>; with <paramref name="force"/> everything written is flushed now, whatever the policy.</summary>
    private bool Pump(long nowMs, bool force)
    {
        bool advanced = false;
        for (int round = 0; round < 4; round++)
        {
            if (!_pumpLock.TryEnter()) return advanced;
            bool again;
            try
            {
                if (_retired) return advanced;
                advanced |= Reap();
                if (!_inFlight && _failed == 0) Start(nowMs, force);
                // A device that completes inside Submit (the simulated one) is reaped right away.
                again = _inFlight && _device.CompletionEventFd < 0;
            }
            finally
            {
                _pumpLock.Exit();
            }
            if (!again) break;
        }
        return advanced;
    }

    private bool Reap()
    {
        bool advanced = false, flushQueued = false;
        int n;
        while ((n = _device.ProcessCompletions(_completions)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                var c = _completions[i];
                if (c.Result < 0)
                {
                    Fail(-c.Result);
                    _inFlight = false;
                    advanced = true;
                    continue;
                }
                if (c.Tag == WriteTag && c.Result != _inFlightLength)
                {
                    Fail(BlockErrno.EIO); // a short write: what is missing would be lost
                    _inFlight = false;
                    advanced = true;
                    continue;
                }
                if (c.Tag == WriteTag)
                {
                    Volatile.Write(ref _writtenLsn, Math.Max(_writtenLsn, _inFlightLastLsn));
                    if (_inFlightFua)
                    {
                        Volatile.Write(ref _durableLsn, Math.Max(_durableLsn, _inFlightLastLsn));
                        advanced = true;
                    }
                    if (!_inFlightHasFlush) _inFlight = false;
                    else flushQueued = true;
                }
                else if (c.Tag == FlushTag)
                {
                    Counters.Flushes++;
                    Volatile.Write(ref _durableLsn, Math.Max(_durableLsn, _inFlightLastLsn));
                    _inFlight = false;
                    flushQueued = false;
                    advanced = true;
                }
            }
        }
        // The write completed and its linked flush was just handed to a kernel worker (io_uring's io-wq, which
        // then needs the block layer's kblockd to issue the flush): on a CPU that a busy data-plane thread
        // keeps running, those waited 20-170 us for their turn (a perf trace at 50 clients: a 430 us
        // write+flush cycle, 130 us of it the device). Giving up the CPU once lets them run now; the flush
        // then completes a scheduler turn sooner and the next group commit starts sooner.
        if (flushQueued && _inFlight) Thread.Yield();
        if (advanced) DurableAdvanced?.Invoke();
        return advanced;
    }

    private void Start(long nowMs, bool force)
    {
        var policy = Policy;
        bool flushDue = force || policy == FsyncPolicy.Always
            || (policy == FsyncPolicy.EverySec && nowMs - _lastFlushMs >= 1000);
        int length, records;
        long lastLsn;
        BlockBuffer buffer;
        long deviceOffset;
        long nowTicks = Stopwatch.GetTimestamp();
        lock (_appendLock)
        {
            // No reply waits for this write (everysec, no): let the window fill unless a flush is due or much is staged.
            if (_frameStart >= 0 && !flushDue && policy != FsyncPolicy.Always && nowTicks - _lastWriteTicks < WriteWindowTicks
                && _fillLength - _frameStart < WriteWindowBytes) return;
            if (_frameStart < 0)
            {
                // Nothing new to write: what was written without a flush (everysec, or before a switch to
                // always) is flushed when due.
                if (flushDue && (policy != FsyncPolicy.No || force) && _writtenLsn > _durableLsn) SubmitFlushOnly(nowMs);
                return;
            }
            records = _frameRecords;
            CloseFrame();
            lastLsn = _lastLsn;
            buffer = _filling;
            deviceOffset = _fillBase;
            int used = _fillLength;
            length = (used + _block - 1) / _block * _block;
            buffer.Span[used..length].Clear();
            // The new staging buffer starts with the block that holds the end of this frame.
            long end = _fillBase + used;
            long tailBase = end / _block * _block;
            int tail = (int)(end - tailBase);
            if (_spare.Length < _filling.Length)
            {
                _spare.Dispose();
                _spare = _device.AllocateBuffer(_filling.Length);
            }
            // Only the tail is copied: bytes past it are stale, and never reach the device (appends write
            // over them, and the padding after the last frame is cleared above before each write).
            buffer.Span.Slice((int)(tailBase - _fillBase), tail).CopyTo(_spare.Span);
            (_filling, _spare) = (_spare, _filling);
            _fillBase = tailBase;
            _fillLength = tail;
        }
        // A frame of few records (few clients) goes as one FUA write (RWF_DSYNC): one round trip, measured
        // fastest at one client. Bigger groups go as a write + linked flush: on a file the FUA write's
        // completion runs in a kernel worker on this CPU, competing with the busy data-plane thread, while
        // the linked fdatasync runs on io_uring's own workers (measured at 50 clients: 33k against 52k SET/s).
        // FUA makes only its own blocks durable: never when earlier writes still wait for a flush.
        bool fua = (policy == FsyncPolicy.Always || force) && _device.HasFua && records <= FuaMaxRecords && _writtenLsn == _durableLsn;
        bool withFlush = flushDue && !fua;
        var flags = fua ? BlockWriteFlags.Fua : BlockWriteFlags.None;
        int r = _device.QueueWrite(buffer, 0, length, deviceOffset, flags, WriteTag);
        if (r == 0 && withFlush) r = _device.QueueFlush(FlushTag, afterPrevious: true);
        if (r == 0) r = _device.Submit() < 0 ? -BlockErrno.EIO : 0;
        if (r < 0)
        {
            Fail(-r);
            return;
        }
        _inFlight = true;
        _inFlightLength = length;
        _inFlightHasFlush = withFlush;
        _inFlightFua = flags == BlockWriteFlags.Fua; // durable with the write itself
        _inFlightLastLsn = lastLsn;
        if (withFlush) _lastFlushMs = nowMs;
        Volatile.Write(ref _lastWriteTicks, nowTicks);
        Counters.Writes++;
        Counters.BytesWritten += length;
        if (flags == BlockWriteFlags.Fua || withFlush) Counters.DurableWrites++;
    }

    private void SubmitFlushOnly(long nowMs)
    {
        int r = _device.QueueFlush(FlushTag, afterPrevious: false);
        if (r == 0 && _device.Submit() < 0) r = -BlockErrno.EIO;
        if (r < 0)
        {
            Fail(-r);
            return;
        }
        _inFlight = true;
        _inFlightHasFlush = true;
        _inFlightFua = false;
        _inFlightLastLsn = _writtenLsn;
        _lastFlushMs = nowMs;
    }

    /// <summary>Writes the open frame's header (caller holds the append lock).</summary>
    private void CloseFrame()
    {
        var span = _filling.Span;
        int payloadStart = _frameStart + LogFrame.HeaderSize;
        LogFrame.WriteHeader(span.Slice(_frameStart, LogFrame.HeaderSize), _frameFirstLsn, Volatile.Read(ref _durableLsn), _frameRecords, span[payloadStart.._fillLength]);
        Counters.Frames++;
        Counters.Records += _frameRecords;
        _frameStart = -1;
    }

    /// <summary>Fails the log for good from outside (effects that could not be recorded): nothing after the durable LSN will be acknowledged.</summary>
    public void FailWith(int errno) => Fail(errno);

    private void Fail(int errno)
    {
        if (Interlocked.CompareExchange(ref _failed, errno, 0) == 0) Counters.FailedAtLsn = DurableLsn;
    }

    /// <summary>
    /// Writes and flushes everything appended, waiting for the device (shutdown, SAVE-like paths; never
    /// the data path). Returns 0 or -errno.
    /// </summary>
    public int Drain(int timeoutMs = 30_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (FailedErrno == 0 && (DurableLsn < LastLsn || Volatile.Read(ref _inFlight)))
        {
            Pump(Environment.TickCount64, force: true);
            if (DurableLsn >= LastLsn && !Volatile.Read(ref _inFlight)) break;
            if (Environment.TickCount64 > deadline) return -BlockErrno.ETIME;
            lock (_pumpLock)
            {
                if (_inFlight) _device.WaitForCompletion(100);
            }
        }
        return -FailedErrno;
    }

    /// <summary>
    /// Hands the queue pair over to a successor (a rewrite's next segment on the same device): waits for a pump
    /// or an append in progress; from then on <see cref="Pump"/> returns at once without touching the device and
    /// <see cref="Append"/> returns -1. Call after <see cref="Drain"/> (nothing in flight); the log may then be
    /// disposed at once, before the successor allocates its buffers on the same queue pair.
    /// </summary>
    public void Retire()
    {
        lock (_pumpLock)
        {
            lock (_appendLock) _retired = true;
        }
    }

    private int ReadSync(BlockBuffer buffer, long offset)
    {
        int r = _device.QueueRead(buffer, 0, _block, offset, 99);
        if (r < 0) return r;
        if ((r = _device.Submit()) < 0) return r;
        Span<BlockCompletion> one = stackalloc BlockCompletion[1];
        for (int i = 0; i < 1000; i++)
        {
            if (_device.ProcessCompletions(one) == 1) return one[0].Result < 0 ? one[0].Result : 0;
            _device.WaitForCompletion(100);
        }
        return -BlockErrno.ETIME;
    }

    public void Dispose()
    {
        _filling.Dispose();
        _spare.Dispose();
    }
}
