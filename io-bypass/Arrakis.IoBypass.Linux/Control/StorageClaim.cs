using System.Runtime.InteropServices;
using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Block;
using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.IoUring;
using LibC = Tmds.Linux.LibC;
using static Arrakis.IoBypass.Linux.Interop.BlockConstants;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// The control module's storage part: turns <see cref="StorageOptions"/> into a granted queue pair and
/// one report line. Opens the path O_RDWR | O_DIRECT | O_CLOEXEC (no O_DSYNC: durability comes from the
/// queue pair's flush), tells a block device (BLKSSZGET, BLKGETSIZE64) from a regular file (block 4096,
/// capacity its length), pre-writes a new or empty file with zeros, checks that O_DIRECT really works
/// (an aligned read: an existing file's data is never overwritten), probes io_uring and grants it or the
/// sync thread.
/// </summary>
/// <remarks>Startup and shutdown only; blocks. Failures are <see cref="InvalidOperationException"/>s whose message names the path, the step and the errno.</remarks>
public static unsafe class StorageClaim
{
    private const int FileBlockSize = 4096;

    /// <summary>Claims the storage; see the class summary. Throws <see cref="InvalidOperationException"/> when it cannot be granted.</summary>
    public static ClaimedStorage Claim(StorageOptions options) => Claim(options, ProbeIoUring);

    /// <summary>
    /// Creates or extends the file at <paramref name="path"/> to <paramref name="bytes"/> (a multiple of
    /// 4096) with real zero writes, then fsyncs it and its directory (the log's next segment). 0 or -errno.
    /// </summary>
    public static int PrewriteFile(string path, long bytes) => FilePrewriter.Prewrite(path, bytes);

    /// <summary>
    /// Zeros [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="bytes"/>) (multiples of 4096) of a
    /// file or block device durably, beside a claim of it (no O_EXCL): the next region of a log device. 0 or -errno.
    /// </summary>
    public static int ZeroRange(string path, long offset, long bytes) => FilePrewriter.ZeroRange(path, offset, bytes);

    /// <summary>fsync of a directory, so that a file created or renamed in it survives a crash. 0 or -errno.</summary>
    public static int SyncDirectory(string directory) => FilePrewriter.SyncDirectory(directory);

    /// <summary>Whether io_uring_setup works here: 0 and the IORING_FEAT_* flags, or -errno (EPERM under Docker's default seccomp, ENOSYS without the kernel option).</summary>
    public static int ProbeIoUring(out uint features)
    {
        io_uring_params p = default;
        features = 0;
        int fd = NativeMethods.IoUringSetup(2, &p);
        if (fd < 0) return fd;
        features = p.features;
        LibC.close(fd);
        return 0;
    }

    /// <summary>The probe as a delegate, so tests can stand in for a kernel that refuses io_uring.</summary>
    internal delegate int IoUringProbe(out uint features);

    internal static ClaimedStorage Claim(StorageOptions options, IoUringProbe probe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        string path = options.Path;
        bool preWritten = false;
        int type = PathType(path, out bool empty);
        if (type == 0 || (type == S_IFREG && empty))
        {
            int rc = PrewriteFile(path, options.NewFileCapacity);
            if (rc < 0) throw Fail(path, $"cannot pre-write {Size(options.NewFileCapacity)}", rc);
            preWritten = true;
        }
        // O_EXCL on a block device is an exclusive open: it fails with EBUSY while the device is mounted
        // or claimed by another process, so the log can never overwrite a live file system.
        int exclusive = type == S_IFBLK ? O_EXCL : 0;
        int fd = FilePrewriter.Open(path, O_RDWR | exclusive | LibC.O_DIRECT | LinuxConstants.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw fd == -EINVAL
                ? Fail(path, "the file system refuses O_DIRECT", fd)
                : Fail(path, exclusive != 0 ? "cannot open the device exclusively (O_RDWR|O_EXCL|O_DIRECT)" : "cannot open O_RDWR|O_DIRECT", fd);
        }
        try
        {
            var device = Describe(fd, path);
            string where = $"log storage: {path} ({(device.IsBlockDevice ? "block device" : "regular file")}, "
                + $"{Size(device.Capacity)}{(device.IsBlockDevice ? "" : preWritten ? " pre-written" : " existing")}"
                + $"{(device.Sparse ? ", sparse: flushes will carry metadata" : "")}, block {device.BlockSize}, O_DIRECT)";
            var (pair, how) = Grant(fd, device, options, probe);
            return new ClaimedStorage(pair, $"{where} via {how}", device.IsBlockDevice, preWritten);
        }
        catch
        {
            LibC.close(fd);
            throw;
        }
    }

    private static (IQueuePair Pair, string How) Grant(int fd, DeviceFacts device, StorageOptions options, IoUringProbe probe)
    {
        string syncName = options.DsyncWrites ? "sync pwritev2+fdatasync thread, RWF_DSYNC for FUA" : "sync pwritev2+fdatasync thread";
        if (options.SqPoll && options.DsyncWrites)
            throw new InvalidOperationException($"log storage: {options.Path}: SQPOLL with RWF_DSYNC writes is refused (measured ~4 ms per write); choose one");
        if (options.Io == StorageIo.Sync)
            return (new SyncQueuePair(fd, device.Capacity, device.BlockSize, options.Depth, options.DsyncWrites), $"{syncName} (requested)");
        int rc = probe(out _);
        string step = "io_uring_setup";
        if (rc == 0)
        {
            var uringOptions = new IoUringOptions(Depth: options.Depth, SqPoll: options.SqPoll, RegisterBuffers: options.RegisterBuffers, DsyncWrites: options.DsyncWrites);
            rc = IoUringQueuePair.Create(fd, device.Capacity, device.BlockSize, uringOptions, out var pair, out step);
            if (rc == 0) return (pair!, $"io_uring ({pair!.Describe()})");
        }
        string why = $"{step} refused ({ErrnoText.Format(rc)})";
        if (options.Io == StorageIo.Uring)
            throw new InvalidOperationException($"log storage: {options.Path}: io_uring was requested but {why}; use --aof-io sync or auto (Docker: the default seccomp profile blocks io_uring)");
        return (new SyncQueuePair(fd, device.Capacity, device.BlockSize, options.Depth, options.DsyncWrites), $"{syncName}: {why}");
    }

    private readonly record struct DeviceFacts(bool IsBlockDevice, int BlockSize, long Capacity, bool Sparse);

    private static DeviceFacts Describe(int fd, string path)
    {
        kernel_statx st;
        int rc = NativeMethods.FStatx(fd, STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_BLOCKS, &st);
        if (rc < 0) throw Fail(path, "statx failed", rc);
        int type = st.stx_mode & S_IFMT;
        DeviceFacts facts;
        if (type == S_IFBLK)
        {
            int logical;
            rc = NativeMethods.Ioctl(fd, BLKSSZGET, &logical);
            if (rc < 0) throw Fail(path, "BLKSSZGET failed", rc);
            ulong bytes;
            rc = NativeMethods.Ioctl(fd, BLKGETSIZE64, &bytes);
            if (rc < 0) throw Fail(path, "BLKGETSIZE64 failed", rc);
            facts = new DeviceFacts(true, logical, (long)bytes / logical * logical, false);
        }
        else if (type == S_IFREG)
        {
            long size = (long)st.stx_size / FileBlockSize * FileBlockSize;
            bool sparse = (long)st.stx_blocks * 512 < size;
            facts = new DeviceFacts(false, FileBlockSize, size, sparse);
        }
        else
        {
            throw new InvalidOperationException($"log storage: {path} is neither a regular file nor a block device");
        }
        if (facts.Capacity < facts.BlockSize) throw new InvalidOperationException($"log storage: {path} holds less than one {facts.BlockSize}-byte block");
        VerifyDirectRead(fd, path, facts.BlockSize);
        return facts;
    }

    /// <summary>An aligned O_DIRECT read of the first block: proves direct I/O works without touching the data.</summary>
    private static void VerifyDirectRead(int fd, string path, int blockSize)
    {
        int length = Math.Max(blockSize, FileBlockSize);
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)length, FileBlockSize);
        try
        {
            long n = LibC.pread(fd, buffer, blockSize, 0);
            if (n < 0) throw Fail(path, "an aligned O_DIRECT read failed", -LibC.errno);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>The path's S_IFMT type (following symlinks), 0 when it does not exist; <paramref name="empty"/> for a zero-length file.</summary>
    private static int PathType(string path, out bool empty)
    {
        kernel_statx st;
        int rc = NativeMethods.Statx(path, STATX_TYPE | STATX_SIZE, &st);
        empty = rc == 0 && st.stx_size == 0;
        if (rc == -ENOENT) return 0;
        if (rc < 0) throw Fail(path, "statx failed", rc);
        return st.stx_mode & S_IFMT;
    }

    private static InvalidOperationException Fail(string path, string what, int errno) =>
        new($"log storage: {path}: {what} ({ErrnoText.Format(errno)})");

    /// <summary>"64 MiB", "8 GiB", "12 KiB" or bytes.</summary>
    internal static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} bytes",
    };
}
