using System.Runtime.InteropServices;
using Arrakis.IoBypass.Linux.Interop.IoUring;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>
/// libc entry points Tmds.LibC does not cover (raw io_uring syscalls, pwritev2/preadv2, ioctl, poll,
/// statx). Every wrapper returns the call's result or -errno; none throws.
/// </summary>
internal static unsafe class NativeMethods
{
    private const string Libc = "libc";

    [DllImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall3(long number, long a1, long a2, long a3);

    [DllImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall4(long number, long a1, long a2, long a3, long a4);

    [DllImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [DllImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    private static extern int ioctl_ptr(int fd, ulong request, void* arg);

    [DllImport(Libc, EntryPoint = "pwritev2", SetLastError = true)]
    private static extern long pwritev2_native(int fd, kernel_iovec* iov, int iovcnt, long offset, int flags);

    [DllImport(Libc, EntryPoint = "preadv2", SetLastError = true)]
    private static extern long preadv2_native(int fd, kernel_iovec* iov, int iovcnt, long offset, int flags);

    [DllImport(Libc, EntryPoint = "poll", SetLastError = true)]
    private static extern int poll_native(kernel_pollfd* fds, ulong nfds, int timeout);

    [DllImport(Libc, EntryPoint = "statx", SetLastError = true)]
    private static extern int statx_native(int dirfd, byte* path, int flags, uint mask, kernel_statx* buf);

    [DllImport(Libc, EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int sched_setaffinity_native(int pid, nuint size, ulong* mask);

    /// <summary>sched_setaffinity(0, ...) for the calling thread: 0 or -errno.</summary>
    public static int SetCurrentThreadAffinity(IReadOnlyList<int> cpus)
    {
        ulong* mask = stackalloc ulong[16]; // 1024 CPUs
        for (int i = 0; i < 16; i++) mask[i] = 0;
        foreach (int c in cpus) mask[c >> 6] |= 1UL << (c & 63);
        return sched_setaffinity_native(0, 16 * sizeof(ulong), mask) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    [DllImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    private static extern nint mmap_native(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [DllImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    private static extern int munmap_native(nint addr, nuint length);

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MAP_POPULATE = 0x8000;

    /// <summary>mmap of a shared, populated read/write region of <paramref name="fd"/>: the address, or -errno (as a negative value).</summary>
    public static nint MapShared(int fd, nuint length, long offset)
    {
        nint p = mmap_native(0, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        return p == -1 ? -Marshal.GetLastPInvokeError() : p;
    }

    public static void Unmap(nint addr, nuint length) => munmap_native(addr, length);

    private static long Result(long rc) => rc >= 0 ? rc : -Marshal.GetLastPInvokeError();

    /// <summary>io_uring_setup(2): the ring fd or -errno.</summary>
    public static int IoUringSetup(uint entries, io_uring_params* p) =>
        (int)Result(syscall3(IoUringConstants.SYS_io_uring_setup, entries, (long)p, 0));

    /// <summary>io_uring_enter(2): submitted count or -errno.</summary>
    public static int IoUringEnter(int fd, uint toSubmit, uint minComplete, uint flags, void* arg, nuint argSize) =>
        (int)Result(syscall6(IoUringConstants.SYS_io_uring_enter, fd, toSubmit, minComplete, flags, (long)arg, (long)argSize));

    /// <summary>io_uring_register(2): result or -errno.</summary>
    public static int IoUringRegister(int fd, uint opcode, void* arg, uint nrArgs) =>
        (int)Result(syscall4(IoUringConstants.SYS_io_uring_register, fd, opcode, (long)arg, nrArgs));

    public static int Ioctl(int fd, ulong request, void* arg) => (int)Result(ioctl_ptr(fd, request, arg));

    public static long PWriteV2(int fd, kernel_iovec* iov, int count, long offset, int flags) => Result(pwritev2_native(fd, iov, count, offset, flags));

    public static long PReadV2(int fd, kernel_iovec* iov, int count, long offset, int flags) => Result(preadv2_native(fd, iov, count, offset, flags));

    public static int Poll(kernel_pollfd* fds, int count, int timeoutMs) => (int)Result(poll_native(fds, (ulong)count, timeoutMs));

    /// <summary>statx of a path (following symlinks): 0 or -errno.</summary>
    public static int Statx(string path, uint mask, kernel_statx* buf)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return (int)Result(statx_native(BlockConstants.AT_FDCWD, p, 0, mask, buf));
    }

    /// <summary>statx on an open descriptor (AT_EMPTY_PATH).</summary>
    public static int FStatx(int fd, uint mask, kernel_statx* buf)
    {
        byte empty = 0;
        return (int)Result(statx_native(fd, &empty, BlockConstants.AT_EMPTY_PATH, mask, buf));
    }
}
