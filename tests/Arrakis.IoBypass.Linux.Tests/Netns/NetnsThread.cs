using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Tests.Netns;

/// <summary>
/// Runs code on a fresh thread that has entered a network namespace (setns is per thread for
/// CLONE_NEWNET): sockets it creates stay in that namespace. The thread returns to the original
/// namespace before it ends.
/// </summary>
internal static class NetnsThread
{
    private const int CLONE_NEWNET = 0x40000000;

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    public static T Run<T>(string netns, Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            using var home = File.OpenHandle("/proc/thread-self/ns/net");
            using var target = File.OpenHandle($"/var/run/netns/{netns}");
            if (setns((int)target.DangerousGetHandle(), CLONE_NEWNET) != 0)
            {
                error = new InvalidOperationException($"setns({netns}): errno {Marshal.GetLastPInvokeError()}");
                return;
            }
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                setns((int)home.DangerousGetHandle(), CLONE_NEWNET);
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"in netns {netns}: {error.Message}", error);
        return result;
    }
}
