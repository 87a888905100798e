using System.Runtime.InteropServices;
using System.Text;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.BlockConstants;
using LibC = Tmds.Linux.LibC;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// Creates or extends a log file with real zero writes (O_DIRECT, 1 MiB at a time), then fsyncs the
/// file and its directory: afterwards every block is allocated and written, so a steady-state
/// fdatasync after an overwrite carries no metadata (measured: 84 us vs 178 us p50 on fallocated,
/// unwritten extents). Startup or segment-rollover path (not the data path): it blocks.
/// </summary>
internal static unsafe class FilePrewriter
{
    private const int Chunk = 1 << 20;
    private const int Alignment = 4096;

    /// <summary>
    /// Makes <paramref name="path"/> at least <paramref name="bytes"/> long (a positive multiple of
    /// 4096), writing zeros from its current end (never over existing data). 0 or -errno (-EINVAL for a
    /// bad size, a path that is not a regular file (a block device is never zeroed), or an existing file
    /// whose length is not a multiple of 4096).
    /// </summary>
    public static int Prewrite(string path, long bytes)
    {
        if (bytes <= 0 || bytes % Alignment != 0) return -EINVAL;
        int fd = Open(path, O_WRONLY | O_CREAT | LibC.O_DIRECT | LinuxConstants.O_CLOEXEC, 0x1A4);
        if (fd < 0) return fd;
        try
        {
            kernel_statx st;
            int rc = NativeMethods.FStatx(fd, STATX_TYPE | STATX_SIZE, &st);
            if (rc < 0) return rc;
            if ((st.stx_mode & S_IFMT) != S_IFREG) return -EINVAL; // never zero a device
            long start = (long)st.stx_size;
            if (start % Alignment != 0) return -EINVAL;
            if (start < bytes)
            {
                rc = WriteZeros(fd, start, bytes);
                if (rc < 0) return rc;
            }
            if (LibC.fsync(fd) != 0) return -LibC.errno;
        }
        finally
        {
            LibC.close(fd);
        }
        return SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/");
    }

    /// <summary>
    /// Writes zeros over [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="bytes"/>) of an
    /// existing file or block device (both multiples of 4096, within its end), then fdatasyncs: a region of a
    /// claimed log device made ready for a new segment. Opens without O_EXCL, so it works beside the
    /// claim's exclusive open. A block device is asked with BLKZEROOUT first (Write Zeroes or an unmap that
    /// reads back zeros: no data through the bus, where a half of a big disk written with zeros would take
    /// minutes); where it refuses, and for a file (whose blocks must stay written, see the class summary),
    /// zeros are written. 0 or -errno.
    /// </summary>
    public static int ZeroRange(string path, long offset, long bytes)
    {
        if (offset < 0 || bytes <= 0 || offset % Alignment != 0 || bytes % Alignment != 0) return -EINVAL;
        int fd = Open(path, O_WRONLY | LibC.O_DIRECT | LinuxConstants.O_CLOEXEC, 0);
        if (fd < 0) return fd;
        try
        {
            kernel_statx st;
            int rc = NativeMethods.FStatx(fd, STATX_TYPE, &st);
            if (rc < 0) return rc;
            rc = -EOPNOTSUPP;
            if ((st.stx_mode & S_IFMT) == S_IFBLK)
            {
                ulong* range = stackalloc ulong[2] { (ulong)offset, (ulong)bytes };
                rc = NativeMethods.Ioctl(fd, BLKZEROOUT, range);
            }
            if (rc is -EOPNOTSUPP or -EINVAL or -ENOTTY) rc = WriteZeros(fd, offset, offset + bytes);
            if (rc < 0) return rc;
            return LibC.fdatasync(fd) == 0 ? 0 : -LibC.errno;
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private static int WriteZeros(int fd, long from, long to)
    {
        byte* zeros = (byte*)NativeMemory.AlignedAlloc(Chunk, Alignment);
        try
        {
            NativeMemory.Clear(zeros, Chunk);
            for (long offset = from; offset < to;)
            {
                int n = (int)Math.Min(Chunk, to - offset);
                long written = LibC.pwrite(fd, zeros, n, offset);
                if (written < 0)
                {
                    int errno = LibC.errno;
                    if (errno == EINTR) continue;
                    return -errno;
                }
                if (written == 0 || written % Alignment != 0) return -EIO;
                offset += written;
            }
            return 0;
        }
        finally
        {
            NativeMemory.AlignedFree(zeros);
        }
    }

    private const int EIO = 5, ENOTTY = 25, EOPNOTSUPP = 95;

    /// <summary>fsync of a directory, so a new file's name (and size) survive a crash.</summary>
    public static int SyncDirectory(string directory)
    {
        int dfd = Open(directory, LibC.O_RDONLY | LibC.O_DIRECTORY | LinuxConstants.O_CLOEXEC, 0);
        if (dfd < 0) return dfd;
        int rc = LibC.fsync(dfd) == 0 ? 0 : -LibC.errno;
        LibC.close(dfd);
        return rc;
    }

    /// <summary>open(2): the descriptor or -errno.</summary>
    public static int Open(string path, int flags, int mode)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            int fd = LibC.open(p, flags, (Tmds.Linux.mode_t)mode);
            return fd >= 0 ? fd : -LibC.errno;
        }
    }
}
