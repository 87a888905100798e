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

        var (code, output) = ns.TryInNs(120_000, "redis-benchmark", "-h", ns.LocalAddress, "-p", "6390", "-t", "set,get,incr,lpush", "-n", "5000", "-c", "100", "-q");
        Assert.True(code == 0, output);
        foreach (var test in new[] { "SET", "GET", "INCR", "LPUSH" }) Assert.Contains(test + ":", output);
        Assert.True(int.Parse(Cli(ns, ns.LocalAddress, "DBSIZE"), System.Globalization.CultureInfo.InvariantCulture) > 2, "the benchmark's keys are there");

        // 1,000 concurrent connections (SYNs beyond the listening sockets wait for the clients' retries).
        (code, output) = ns.TryInNs(120_000, "bash", "-c", $"ulimit -n 8192; exec redis-benchmark -h {ns.LocalAddress} -p 6390 -t ping,set -n 20000 -c 1000 -q");
        Assert.True(code == 0 && output.Contains("SET:", StringComparison.Ordinal), output);
        int Connected() => int.Parse(System.Text.RegularExpressions.Regex.Match(Cli(ns, ns.LocalAddress, "INFO", "clients"), @"connected_clients:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int connected = Connected();
        for (int i = 0; i < 100 && connected != 1; i++)
        {
            Thread.Sleep(100);
            connected = Connected();
        }
        Assert.Equal(1, connected); // every benchmark connection was closed and forgotten (the 1 is redis-cli asking)

        // redis-py (Debian's python3-redis), from the peer namespace: a pipeline, a transaction, 1 MB values.
        const string script = """
            import sys, redis
            r = redis.Redis(host=sys.argv[1], port=6390)
            p = r.pipeline(transaction=False)
            for i in range(1000): p.set(f"py:{i}", i)
            assert all(p.execute())
            assert r.mget([f"py:{i}" for i in range(1000)]) == [str(i).encode() for i in range(1000)]
            t = r.pipeline(transaction=True)
            t.incr("py:n"); t.incr("py:n"); t.get("py:n")
            assert t.execute() == [1, 2, b"2"]
            big = bytes(range(256)) * 4096
            r.set("py:big", big)
            assert r.get("py:big") == big
            print("redis-py ok")
            """;
        var (pyCode, py) = ns.TryInNs(60_000, "/usr/bin/python3", "-c", script, ns.LocalAddress);
        Assert.True(pyCode == 0 && py.Contains("redis-py ok", StringComparison.Ordinal), py);

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

    /// <summary>The XDP program is attached through a BPF link owned by the process: SIGKILL (no shutdown code runs)
    /// detaches it with the process's descriptors, so nothing stale is left and the next server attaches.</summary>
    [SkippableFact]
    public void A_server_killed_with_sigkill_leaves_no_xdp_program_behind_and_the_next_one_attaches()
    {
        PeerNamespace.RequireRoot();
        using var ns = PeerNamespace.Create(localHasAddress: true);
        string Link() => ns.Host("ip", "-details", "link", "show", "dev", ns.Local);
        for (int run = 0; run < 2; run++)
        {
            using (var server = ServerProcess.StartArrakisUntilReady(Port, "--port", "6390", "--net", "xdp", "--net-if", ns.Local, "--threads", "1"))
            {
                Assert.Contains("prog/xdp", Link());
                Assert.Equal("PONG", Cli(ns, ns.LocalAddress, "PING"));
            } // Dispose kills with SIGKILL
            string link = Link();
            for (int i = 0; i < 50 && link.Contains("prog/xdp", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(100);
                link = Link();
            }
            Assert.DoesNotContain("prog/xdp", link);
        }
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
