using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Bypass;

/// <summary>
/// The server with `--net xdp` on a veth end, real clients in the peer namespace talking to it with their
/// ordinary kernel TCP: redis-cli and redis-benchmark through our AF_XDP queue and user-space TCP/IP
/// stack. Shared mode (the host keeps the address: its kernel still answers another port) and dedicated
/// mode (we answer ARP ourselves). Root only; CI runs them.
/// </summary>
[Collection("servers")]
public sealed class AfXdpEndToEndTests
{
    private const int Port = 6390;

    private static string Cli(PeerNamespace ns, string host, params string[] command)
    {
        var (code, output) = ns.TryInNs(15_000, ["redis-cli", "-h", host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command]);
        Assert.True(code == 0, $"redis-cli {string.Join(' ', command)}: exit {code}: {output}");
        return output.Trim();
    }

    [SkippableFact]
    public void Shared_mode_serves_redis_clients_in_the_peer_namespace_and_leaves_other_traffic_to_the_kernel()
    {
        PeerNamespace.RequireRoot();
        using var ns = PeerNamespace.Create(localHasAddress: true);
        using var server = ServerProcess.StartArrakisUntilReady(Port, "--port", "6390", "--net", "xdp", "--net-if", ns.Local, "--threads", "1");
        Assert.Contains("user-space TCP/IP over AF_XDP", server.Output);
        Assert.Equal("PONG", Cli(ns, ns.LocalAddress, "PING"));
        Assert.Equal("OK", Cli(ns, ns.LocalAddress, "SET", "bypass", "works"));
        Assert.Equal("works", Cli(ns, ns.LocalAddress, "GET", "bypass"));
        Assert.Contains("unknown command", Cli(ns, ns.LocalAddress, "NOSUCHCOMMAND"));
        // A 100 KB value: many segments each way, windows filled and reopened.
        Assert.Equal("OK", Cli(ns, ns.LocalAddress, "SET", "big", new string('x', 100_000)));
        Assert.Equal(new string('x', 100_000), Cli(ns, ns.LocalAddress, "GET", "big"));

        var (code, output) = ns.TryInNs(120_000, "redis-benchmark", "-h", ns.LocalAddress, "-p", "6390", "-t", "set,get,incr,lpush", "-n", "5000", "-c", "20", "-q");
        Assert.True(code == 0, output);
        foreach (var test in new[] { "SET", "GET", "INCR", "LPUSH" }) Assert.Contains(test + ":", output);
        Assert.True(int.Parse(Cli(ns, ns.LocalAddress, "DBSIZE"), System.Globalization.CultureInfo.InvariantCulture) > 2, "the benchmark's keys are there");

        // Another port on our address is the host's: its kernel answers (connection refused), not us.
        var (refusedCode, refused) = ns.TryInNs(10_000, "bash", "-c", $"exec 3<>/dev/tcp/{ns.LocalAddress}/6391");
        Assert.NotEqual(0, refusedCode);
        Assert.Contains("refused", refused, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void Dedicated_mode_answers_arp_itself_and_serves_the_address_the_host_does_not_have()
    {
        PeerNamespace.RequireRoot();
        using var ns = PeerNamespace.Create(localHasAddress: false);
        using var server = ServerProcess.StartArrakisUntilReady(Port, "--port", "6390", "--net", "xdp", "--net-if", ns.Local, "--net-mode", "dedicated", "--net-ip", ns.LocalAddress, "--threads", "1");
        Assert.Equal("PONG", Cli(ns, ns.LocalAddress, "PING"));
        Assert.Equal("1", Cli(ns, ns.LocalAddress, "INCR", "n"));
        string neighbours = ns.InNs("ip", "neigh", "show", ns.LocalAddress);
        Assert.Contains(File.ReadAllText($"/sys/class/net/{ns.Local}/address").Trim(), neighbours); // our ARP reply taught the peer
    }

    [Fact]
    public void Xdp_that_cannot_be_granted_fails_at_startup_and_auto_falls_back_saying_why()
    {
        var (code, output) = ServerProcess.RunArrakisToExit("--port", "6391", "--net", "xdp");
        Assert.NotEqual(0, code);
        Assert.Contains("--net xdp: no --net-if given", output);
        (code, output) = ServerProcess.RunArrakisToExit("--port", "6391", "--net", "xdp", "--net-if", "no-such-if0");
        Assert.NotEqual(0, code);
        Assert.Contains("no-such-if0", output);
        int port = FreePort.Next();
        using var server = ServerProcess.StartArrakisUntilReady(port, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--net", "auto");
        Assert.Contains("kernel TCP sockets via epoll", server.Output);
        Assert.Contains("(--net auto: no --net-if given", server.Output);
        using var c = new RespConnection(port);
        Assert.Equal("PONG", c.Call("PING").Text);
    }
}
