using Arrakis.IoBypass.Block;

namespace Arrakis.Aof;

/// <summary>
/// <see cref="IQueuePair"/> over an ordinary file for the tool: entries run synchronously, in order,
/// when <see cref="Submit"/> is called (buffered I/O, no O_DIRECT: the server must not be running on the
/// directory). The capacity is the file's length rounded up to <see cref="Block"/>; reads past the end
/// of the file see zeros and writes past it are dropped (the file never grows). A flush is fsync.
/// </summary>
/// <remarks>Single-threaded, as every queue pair. I/O failures are -errno completions, never exceptions.</remarks>
internal sealed class FileQueuePair : IQueuePair
{
    public const int Block = 4096;

    private readonly FileStream _file;
    private readonly long _length;
    private readonly bool _writable;
    private readonly List<Entry> _queued = new();
    private readonly Queue<BlockCompletion> _completed = new();

    private FileQueuePair(FileStream file, long length, bool writable)
    {
        _file = file;
        _length = length;
        _writable = writable;
        Capacity = (length + Block - 1) / Block * Block;
    }

    /// <summary>Opens <paramref name="path"/> (a file or a block device given by --aof-device; read-only unless <paramref name="writable"/>); null with <paramref name="error"/> when it cannot.</summary>
    public static FileQueuePair? Open(string path, bool writable, out string? error)
    {
        error = null;
        FileStream? fs = null;
        try
        {
            fs = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                writable ? FileShare.Read : FileShare.ReadWrite, bufferSize: 0);
            return new FileQueuePair(fs, LengthOf(fs, path), writable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            fs?.Dispose();
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// The length of a file, or the size of a block device (fstat, and so FileStream.Length, says 0 for one;
    /// the kernel's sysfs entry of the device says how many 512-byte sectors it has).
    /// </summary>
    public static long LengthOf(FileStream fs, string path)
    {
        long length = fs.Length;
        if (length != 0) return length;
        try
        {
            string device = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            string sysfs = $"/sys/class/block/{Path.GetFileName(device)}/size";
            if (device.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(sysfs)
                && long.TryParse(File.ReadAllText(sysfs).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long sectors))
                return sectors * 512;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    public string Name => "file";
    public int BlockSize => Block;
    public long Capacity { get; }
    public int Depth => 64;
    public bool HasFua => false;
    public int CompletionEventFd => -1;

    /// <summary>The file's length in bytes.</summary>
    public long FileLength => _length;

    public BlockBuffer AllocateBuffer(int length) =>
        new FileBlockBuffer(this, new byte[Math.Max((length + (long)Block - 1) / Block * Block, Block)]);

    public int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag) =>
        Queue(new Entry(Kind.Write, buffer, bufferOffset, length, deviceOffset, tag));

    public int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag) =>
        Queue(new Entry(Kind.Read, buffer, bufferOffset, length, deviceOffset, tag));

    public int QueueFlush(ulong tag, bool afterPrevious) => Queue(new Entry(Kind.Flush, null, 0, 0, 0, tag));

    private int Queue(Entry e)
    {
        if (_queued.Count + _completed.Count >= Depth) return -BlockErrno.EAGAIN;
        if (e.Kind != Kind.Flush)
        {
            if (!ReferenceEquals(e.Buffer!.Owner, this)) throw new ArgumentException("buffer of another queue pair");
            if (e.Length <= 0 || e.Length % Block != 0 || e.DeviceOffset < 0 || e.DeviceOffset % Block != 0
                || e.DeviceOffset + e.Length > Capacity || e.BufferOffset < 0 || e.BufferOffset + e.Length > e.Buffer.Length)
                return -BlockErrno.EINVAL;
        }
        _queued.Add(e);
        return 0;
    }

    public int Submit()
    {
        int n = _queued.Count;
        foreach (var e in _queued) _completed.Enqueue(new BlockCompletion(e.Tag, Execute(e)));
        _queued.Clear();
        return n;
    }

    public int ProcessCompletions(Span<BlockCompletion> completions)
    {
        int n = 0;
        while (n < completions.Length && _completed.TryDequeue(out var c)) completions[n++] = c;
        return n;
    }

    public int WaitForCompletion(int timeoutMs) => _completed.Count > 0 ? 0 : -BlockErrno.ETIME;

    private int Execute(Entry e)
    {
        try
        {
            switch (e.Kind)
            {
                case Kind.Flush:
                    if (_writable) _file.Flush(flushToDisk: true);
                    return 0;
                case Kind.Read:
                    {
                        var span = e.Buffer!.Span.Slice(e.BufferOffset, e.Length);
                        int done = 0;
                        while (done < span.Length)
                        {
                            int n = RandomAccess.Read(_file.SafeFileHandle, span[done..], e.DeviceOffset + done);
                            if (n <= 0) break;
                            done += n;
                        }
                        span[done..].Clear();
                        return e.Length;
                    }
                default:
                    {
                        if (!_writable) return -BlockErrno.EBADF;
                        long inFile = Math.Clamp(_length - e.DeviceOffset, 0, e.Length);
                        if (inFile > 0) RandomAccess.Write(_file.SafeFileHandle, e.Buffer!.Span.Slice(e.BufferOffset, (int)inFile), e.DeviceOffset);
                        return e.Length;
                    }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return -BlockErrno.EIO;
        }
    }

    public void Dispose() => _file.Dispose();

    private enum Kind : byte { Read, Write, Flush }

    private readonly record struct Entry(Kind Kind, BlockBuffer? Buffer, int BufferOffset, int Length, long DeviceOffset, ulong Tag);
}
