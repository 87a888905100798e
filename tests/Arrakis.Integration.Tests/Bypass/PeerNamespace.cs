using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Arrakis.Integration.Tests.Bypass;

/// <summary>
/// A veth pair for the end-to-end bypass tests: our end (<see cref="Local"/>) in the root namespace, where
/// the server claims its queue; the peer in a fresh namespace (<see cref="Namespace"/>) where the real
/// clients run (and where <see cref="ConnectAsync"/> makes sockets for clients in the test process). Addresses from 198.18.0.0/15 only (peer 198.18.X.2/24; ours 198.18.X.1), IPv6 off, the
/// offloads off on both ends (copy-mode AF_XDP sees CHECKSUM_PARTIAL frames otherwise). Dispose deletes
/// both, also after a failed test; eth0 and routes are never touched. Needs root, iproute2 and ethtool
/// (tests/run.sh installs them).
/// </summary>
internal sealed class PeerNamespace : IDisposable
{
    private bool _disposed;

    private PeerNamespace(string suffix, int subnet)
    {
        Namespace = $"arrakis-e2e-{suffix}";
        Local = $"aeq{suffix}";
        Peer = $"aep{suffix}";
        Subnet = subnet;
    }

    public string Namespace { get; }
    public string Local { get; }
    public string Peer { get; }
    public int Subnet { get; }
    public string LocalAddress => $"198.18.{Subnet}.1";
    public string PeerAddress => $"198.18.{Subnet}.2";

    /// <summary>Root-only: skipped with a message without root, a failure under CI=true (where it must run).</summary>
    public static void RequireRoot()
    {
        if (Tmds.Linux.LibC.geteuid() == 0) return;
        const string message = "the AF_XDP end-to-end tests need root (network namespaces, XDP)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message + ": CI runs as root");
        Skip.If(true, message);
    }

    /// <summary>Creates the pair; <paramref name="localHasAddress"/>: the host keeps 198.18.X.1 on our end (shared mode).</summary>
    public static PeerNamespace Create(bool localHasAddress)
    {
        string suffix = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
        string used = Run("ip", "-4", "-o", "addr", "show").Output;
        int subnet;
        do subnet = Random.Shared.Next(10, 250); while (used.Contains($"198.18.{subnet}.", StringComparison.Ordinal));
        var n = new PeerNamespace(suffix, subnet);
        try
        {
            Must("ip", "netns", "add", n.Namespace);
            Must("ip", "link", "add", n.Local, "type", "veth", "peer", "name", n.Peer, "netns", n.Namespace);
            File.WriteAllText($"/proc/sys/net/ipv6/conf/{n.Local}/disable_ipv6", "1");
            n.InNs("sh", "-c", $"echo 1 > /proc/sys/net/ipv6/conf/{n.Peer}/disable_ipv6");
            if (localHasAddress) Must("ip", "addr", "add", $"{n.LocalAddress}/24", "dev", n.Local);
            n.InNs("ip", "addr", "add", $"{n.PeerAddress}/24", "dev", n.Peer);
            Must("ip", "link", "set", n.Local, "up");
            n.InNs("ip", "link", "set", "lo", "up");
            n.InNs("ip", "link", "set", n.Peer, "up");
            Must("ethtool", "-K", n.Local, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
            n.InNs("ethtool", "-K", n.Peer, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
        }
        catch
        {
            n.Dispose();
            throw;
        }
        return n;
    }

    /// <summary>Runs a command in the peer namespace; throws when it fails.</summary>
    public string InNs(params string[] args) => Must(["ip", "netns", "exec", Namespace, .. args]);

    /// <summary>Runs a command in the root namespace (where our end is); throws when it fails.</summary>
    public string Host(params string[] args) => Must(args);

    /// <summary>Runs a command in the peer namespace: exit code and output.</summary>
    public (int Code, string Output) TryInNs(int timeoutMs, params string[] args) => Run(timeoutMs, ["ip", "netns", "exec", Namespace, .. args]);

    /// <summary>
    /// A TCP connection made from the peer namespace, for clients in this (root-namespace) test process: the
    /// socket is created on a fresh thread that first joins the namespace (setns affects only the calling
    /// thread, and that thread ends right after), and a socket keeps the namespace it was created in, so it
    /// routes like a client running in there and can then be used from any thread.
    /// </summary>
    public async Task<Socket> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        Socket? created = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var nsFile = File.OpenHandle($"/var/run/netns/{Namespace}", FileMode.Open, FileAccess.Read);
                if (Tmds.Linux.LibC.setns((int)nsFile.DangerousGetHandle(), Tmds.Linux.LibC.CLONE_NEWNET) != 0)
                    throw new IOException($"setns into {Namespace} failed: errno {Tmds.Linux.LibC.errno}");
                created = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "peer-namespace socket" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException($"no socket in {Namespace}", failure);
        var socket = created!;
        // The namespace was fixed when the socket was made; connecting needs no special thread. Bounded, so an
        // unanswered SYN fails the test in seconds rather than after the kernel's two minutes of retries.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        socket.NoDelay = true;
        return socket;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Run("ip", "netns", "del", Namespace); // the peer goes with it, and the pair with the peer
        if (Directory.Exists($"/sys/class/net/{Local}")) Run("ip", "link", "del", Local);
    }

    private static string Must(params string[] args)
    {
        var (code, output) = Run(args);
        if (code != 0) throw new InvalidOperationException($"`{string.Join(' ', args)}` failed ({code}): {output}");
        return output;
    }

    private static (int Code, string Output) Run(params string[] args) => Run(10_000, args);

    private static (int Code, string Output) Run(int timeoutMs, string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args[1..]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            p.WaitForExit();
            return (-1, stdout.Result + stderr.Result + " (timed out)");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
