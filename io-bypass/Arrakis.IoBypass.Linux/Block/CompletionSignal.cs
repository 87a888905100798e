using Arrakis.IoBypass.Linux.Interop;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Block;

/// <summary>
/// A queue pair's completion eventfd (EFD_NONBLOCK | EFD_CLOEXEC), signalled when completions are
/// posted. A data-plane loop watches it edge-triggered; the queue pair drains it before it polls it
/// itself (and the sync queue pair when it reaps).
/// </summary>
/// <remarks><see cref="Signal"/> is safe from any thread; the others belong to the queue pair's owner.</remarks>
internal sealed unsafe class CompletionSignal : IDisposable
{
    private int _fd;

    private CompletionSignal(int fd) => _fd = fd;

    public int Fd => _fd;

    /// <summary>A new eventfd: 0 and the signal, or -errno.</summary>
    public static int Create(out CompletionSignal? signal)
    {
        int fd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        signal = fd >= 0 ? new CompletionSignal(fd) : null;
        return fd >= 0 ? 0 : -LibC.errno;
    }

    /// <summary>Adds one to the counter (the fd becomes readable).</summary>
    public void Signal()
    {
        ulong one = 1;
        LibC.write(_fd, &one, sizeof(ulong));
    }

    /// <summary>Reads the counter back to zero without blocking (EAGAIN when it already was).</summary>
    public void Drain()
    {
        ulong value;
        LibC.read(_fd, &value, sizeof(ulong));
    }

    /// <summary>poll() for readability: 0 when readable, -ETIME after <paramref name="timeoutMs"/> (-1: no limit), or -errno.</summary>
    public int WaitReadable(int timeoutMs)
    {
        kernel_pollfd pfd = new() { fd = _fd, events = BlockConstants.POLLIN };
        while (true)
        {
            int rc = NativeMethods.Poll(&pfd, 1, timeoutMs);
            if (rc == -BlockConstants.EINTR) continue;
            if (rc < 0) return rc;
            return rc == 0 ? -BlockConstants.ETIME : 0;
        }
    }

    public void Dispose()
    {
        if (_fd < 0) return;
        LibC.close(_fd);
        _fd = -1;
    }
}
