namespace Arrakis.IoBypass.Block.Simulated;

/// <summary>
/// A block device in memory with a volatile write cache, for crash tests: a write lands in the
/// cache (reads see it at once); FLUSH makes every cached block durable, a FUA write its own blocks;
/// <see cref="Crash"/> loses the cache, except that each cached block may already have been written
/// back (chosen by a seeded generator), so a multi-block write can tear at block granularity.
/// Entries run in submission order when <see cref="Submit"/> is called; their completions wait for
/// <see cref="ProcessCompletions"/>.
/// </summary>
/// <remarks>Deterministic for a seed. Not thread-safe (as every <see cref="IQueuePair"/>).</remarks>
public sealed class SimulatedNvme : IQueuePair
{
    private readonly Dictionary<long, byte[]> _media = new();
    private readonly Dictionary<long, byte[]> _cache = new();
    private readonly List<Entry> _queued = new();
    private readonly Queue<BlockCompletion> _completed = new();
    private readonly Random _random;
    private readonly double _writeBackChance;
    private long _crashAtOperation = -1;
    private bool _dead;
    private readonly Lock _mediaLock = new();

    /// <param name="capacity">Bytes addressable (a multiple of <paramref name="blockSize"/>).</param>
    /// <param name="seed">Seeds which cached blocks survive a crash.</param>
    /// <param name="writeBackChance">Chance that a cached block was already written back when the crash came.</param>
    public SimulatedNvme(long capacity, int blockSize = 4096, int depth = 256, int seed = 1, bool hasFua = false, double writeBackChance = 0.5)
    {
        if (blockSize <= 0 || (blockSize & (blockSize - 1)) != 0) throw new ArgumentException("block size must be a power of two", nameof(blockSize));
        if (capacity <= 0 || capacity % blockSize != 0) throw new ArgumentException("capacity must be a positive multiple of the block size", nameof(capacity));
        Capacity = capacity;
        BlockSize = blockSize;
        Depth = depth;
        HasFua = hasFua;
        _random = new Random(seed);
        _writeBackChance = writeBackChance;
    }

    public string Name => "simulated-nvme";
    public int BlockSize { get; }
    public long Capacity { get; }
    public int Depth { get; }
    public bool HasFua { get; }
    public int CompletionEventFd => -1;

    /// <summary>Entries executed so far (reads, writes and flushes), counting from 0.</summary>
    public long Operations { get; private set; }
    public long Writes { get; private set; }
    public long Flushes { get; private set; }
    public long BytesWritten { get; private set; }

    /// <summary>True after a crash until <see cref="PowerOn"/>: every entry then fails with -EIO.</summary>
    public bool IsDead => _dead;

    /// <summary>Blocks written but not yet durable.</summary>
    public int DirtyBlocks => _cache.Count;

    public BlockBuffer AllocateBuffer(int length)
    {
        int rounded = (int)((length + (long)BlockSize - 1) / BlockSize * BlockSize);
        return new ManagedBlockBuffer(this, new byte[Math.Max(rounded, BlockSize)]);
    }

    public int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag) =>
        Queue(new Entry(Kind.Write, buffer, bufferOffset, length, deviceOffset, flags, tag, false));

    public int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag) =>
        Queue(new Entry(Kind.Read, buffer, bufferOffset, length, deviceOffset, BlockWriteFlags.None, tag, false));

    public int QueueFlush(ulong tag, bool afterPrevious) =>
        Queue(new Entry(Kind.Flush, null, 0, 0, 0, BlockWriteFlags.None, tag, afterPrevious));

    private int Queue(Entry e)
    {
        if (_queued.Count + _completed.Count >= Depth) return -BlockErrno.EAGAIN;
        if (e.Kind != Kind.Flush)
        {
            if (!ReferenceEquals(e.Buffer!.Owner, this)) throw new ArgumentException("buffer of another queue pair");
            if (e.Length <= 0 || e.Length % BlockSize != 0 || e.DeviceOffset < 0 || e.DeviceOffset % BlockSize != 0
                || e.DeviceOffset + e.Length > Capacity || e.BufferOffset < 0 || e.BufferOffset + e.Length > e.Buffer.Length)
                return -BlockErrno.EINVAL;
        }
        _queued.Add(e);
        return 0;
    }

    public int Submit()
    {
        var batch = _queued.ToArray();
        _queued.Clear();
        bool previousFailed = false;
        lock (_mediaLock)
        {
            foreach (var e in batch)
            {
                int result = e.LinkedToPrevious && previousFailed ? -BlockErrno.ECANCELED : Execute(e);
                previousFailed = result < 0;
                _completed.Enqueue(new BlockCompletion(e.Tag, result));
            }
        }
        return batch.Length;
    }

    public int ProcessCompletions(Span<BlockCompletion> completions)
    {
        int n = 0;
        while (n < completions.Length && _completed.TryDequeue(out var c)) completions[n++] = c;
        return n;
    }

    public int WaitForCompletion(int timeoutMs) => _completed.Count > 0 ? 0 : -BlockErrno.ETIME;

    /// <summary>Makes the device crash just before it executes entry number <paramref name="operation"/> (see <see cref="Operations"/>).</summary>
    public void CrashAtOperation(long operation) => _crashAtOperation = operation;

    /// <summary>
    /// Power loss now: each cached block survives with the write-back chance, the rest is lost;
    /// queued entries are dropped; the device stays dead (entries fail with -EIO) until <see cref="PowerOn"/>.
    /// </summary>
    public void Crash()
    {
        foreach (var (block, data) in _cache.OrderBy(p => p.Key))
        {
            if (_random.NextDouble() < _writeBackChance) _media[block] = data;
        }
        _cache.Clear();
        _queued.Clear();
        _completed.Clear();
        _dead = true;
        _crashAtOperation = -1;
    }

    /// <summary>Restarts a crashed device: reads see only what was durable; nothing queued or completed before survives.</summary>
    public void PowerOn()
    {
        _dead = false;
        _queued.Clear();
        _completed.Clear();
    }

    /// <summary>
    /// Zeros [offset, offset + length) durably as a second opener of the device would (its own descriptor,
    /// write + flush): the only member safe to call beside the queue pair's owning thread.
    /// </summary>
    public int ZeroDurable(long offset, long length)
    {
        if (offset < 0 || length <= 0 || offset % BlockSize != 0 || length % BlockSize != 0 || offset + length > Capacity) return -BlockErrno.EINVAL;
        lock (_mediaLock)
        {
            if (_dead) return -BlockErrno.EIO;
            for (long block = offset / BlockSize; block < (offset + length) / BlockSize; block++)
            {
                _media.Remove(block);
                _cache.Remove(block);
            }
        }
        return 0;
    }

    /// <summary>Flips bits of one durable byte (bit rot, a bad sector): fault injection for tests.</summary>
    public void CorruptDurable(long offset, byte xor = 0xFF)
    {
        long block = offset / BlockSize;
        if (!_media.TryGetValue(block, out var data)) _media[block] = data = new byte[BlockSize];
        data[offset % BlockSize] ^= xor;
    }

    /// <summary>Copies the durable contents of [offset, offset+length) (zeros where never written); for tests.</summary>
    public byte[] ReadDurable(long offset, int length)
    {
        var result = new byte[length];
        for (int done = 0; done < length;)
        {
            long block = (offset + done) / BlockSize;
            int within = (int)((offset + done) % BlockSize);
            int n = Math.Min(BlockSize - within, length - done);
            if (_media.TryGetValue(block, out var data)) data.AsSpan(within, n).CopyTo(result.AsSpan(done));
            done += n;
        }
        return result;
    }

    private int Execute(Entry e)
    {
        if (_crashAtOperation >= 0 && Operations >= _crashAtOperation) Crash();
        if (_dead) return -BlockErrno.EIO;
        Operations++;
        switch (e.Kind)
        {
            case Kind.Write:
                Writes++;
                BytesWritten += e.Length;
                for (int off = 0; off < e.Length; off += BlockSize)
                {
                    long block = (e.DeviceOffset + off) / BlockSize;
                    var data = e.Buffer!.Span.Slice(e.BufferOffset + off, BlockSize).ToArray();
                    if ((e.Flags & BlockWriteFlags.Fua) != 0 && HasFua)
                    {
                        _media[block] = data;
                        _cache.Remove(block);
                    }
                    else
                    {
                        _cache[block] = data;
                    }
                }
                return e.Length;
            case Kind.Read:
                for (int off = 0; off < e.Length; off += BlockSize)
                {
                    long block = (e.DeviceOffset + off) / BlockSize;
                    var target = e.Buffer!.Span.Slice(e.BufferOffset + off, BlockSize);
                    if (_cache.TryGetValue(block, out var c)) c.CopyTo(target);
                    else if (_media.TryGetValue(block, out var m)) m.CopyTo(target);
                    else target.Clear();
                }
                return e.Length;
            default:
                Flushes++;
                foreach (var (block, data) in _cache) _media[block] = data;
                _cache.Clear();
                return 0;
        }
    }

    public void Dispose()
    {
        _queued.Clear();
        _completed.Clear();
    }

    private enum Kind { Write, Read, Flush }

    private readonly record struct Entry(Kind Kind, BlockBuffer? Buffer, int BufferOffset, int Length, long DeviceOffset, BlockWriteFlags Flags, ulong Tag, bool LinkedToPrevious);
}
