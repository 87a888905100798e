using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>
/// libc entry points of the AF_XDP path: bpf(2), the socket calls with untyped option pointers, anonymous
/// mmap, if_nametoindex. Every wrapper returns the call's result or -errno; none throws.
/// </summary>
internal static unsafe class XskNativeMethods
{
    private const string Libc = "libc";

    [DllImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall3(long number, long a1, long a2, long a3);

    [DllImport(Libc, EntryPoint = "socket", SetLastError = true)]
    private static extern int socket_native(int domain, int type, int protocol);

    [DllImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int setsockopt_native(int fd, int level, int name, void* value, uint len);

    [DllImport(Libc, EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int getsockopt_native(int fd, int level, int name, void* value, uint* len);

    [DllImport(Libc, EntryPoint = "bind", SetLastError = true)]
    private static extern int bind_native(int fd, void* addr, uint len);

    [DllImport(Libc, EntryPoint = "sendto", SetLastError = true)]
    private static extern nint sendto_native(int fd, void* buf, nuint len, int flags, void* addr, uint addrLen);

    [DllImport(Libc, EntryPoint = "recvfrom", SetLastError = true)]
    private static extern nint recvfrom_native(int fd, void* buf, nuint len, int flags, void* addr, uint* addrLen);

    [DllImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static extern int close_native(int fd);

    [DllImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    private static extern nint mmap_native(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [DllImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    private static extern int munmap_native(nint addr, nuint length);

    [DllImport(Libc, EntryPoint = "if_nametoindex", SetLastError = true)]
    private static extern uint if_nametoindex_native(byte* name);

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_POPULATE = 0x8000;
    public const int MAP_HUGETLB = 0x40000;

    /// <summary>bpf(2)'s number: 321 on x86-64, 280 on arm64 (the generic table).</summary>
    private static long SYS_bpf => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 321 : 280;

    private static long Result(long rc) => rc >= 0 ? rc : -Marshal.GetLastPInvokeError();

    /// <summary>bpf(cmd, attr, size): the result (an fd for the create/load commands) or -errno.</summary>
    public static int Bpf(int cmd, void* attr, int size) => (int)Result(syscall3(SYS_bpf, cmd, (long)attr, size));

    public static int Socket(int domain, int type, int protocol) => (int)Result(socket_native(domain, type, protocol));

    public static int SetSockOpt(int fd, int level, int name, void* value, int len) => (int)Result(setsockopt_native(fd, level, name, value, (uint)len));

    /// <summary>getsockopt: 0 (and the length the kernel wrote in <paramref name="len"/>) or -errno.</summary>
    public static int GetSockOpt(int fd, int level, int name, void* value, ref int len)
    {
        uint l = (uint)len;
        int rc = (int)Result(getsockopt_native(fd, level, name, value, &l));
        len = (int)l;
        return rc;
    }

    public static int Bind(int fd, void* addr, int len) => (int)Result(bind_native(fd, addr, (uint)len));

    /// <summary>sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0): the AF_XDP TX kick. 0 or -errno.</summary>
    public static int KickTx(int fd) => (int)Result(sendto_native(fd, null, 0, XdpConstants.MSG_DONTWAIT, null, 0));

    /// <summary>recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL): the AF_XDP fill-ring wakeup. 0 or -errno.</summary>
    public static int KickRx(int fd) => (int)Result(recvfrom_native(fd, null, 0, XdpConstants.MSG_DONTWAIT, null, null));

    public static int Close(int fd) => (int)Result(close_native(fd));

    /// <summary>mmap: the address, or -errno (as a negative value).</summary>
    public static nint Mmap(nuint length, int prot, int flags, int fd, long offset)
    {
        nint p = mmap_native(0, length, prot, flags, fd, offset);
        return p == -1 ? -Marshal.GetLastPInvokeError() : p;
    }

    public static void Munmap(nint addr, nuint length) => munmap_native(addr, length);

    /// <summary>The interface's index, or -errno (ENODEV when there is no such interface).</summary>
    public static int IfNameToIndex(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            uint index = if_nametoindex_native(p);
            return index != 0 ? (int)index : -Marshal.GetLastPInvokeError();
        }
    }
}
