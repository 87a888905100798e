using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Arrakis.Integration.Tests.Differential;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;
using StackExchange.Redis;

namespace Arrakis.Integration.Tests.Bypass;

/// <summary>
/// More from the peer namespace against `--net xdp` in shared mode: StackExchange.Redis and the
/// differential harness in this test process, their sockets made in the peer namespace
/// (<see cref="PeerNamespace.ConnectAsync"/>), and ping, which the host kernel must still answer. Root
/// only; CI runs them. Each has its own server port (the other bypass tests use 6390/6391).
/// </summary>
[Collection("servers")]
public sealed class PeerNamespaceClientTests(ServerPairFixture servers)
{
    private static ServerProcess StartShared(PeerNamespace ns, int port) =>
        ServerProcess.StartArrakisUntilReady(port, "--port", port.ToString(CultureInfo.InvariantCulture), "--net", "xdp", "--net-if", ns.Local, "--threads", "1");

    [SkippableFact]
    public async Task StackExchange_Redis_in_the_peer_namespace_works_over_af_xdp_in_resp2_and_resp3()
    {
        PeerNamespace.RequireRoot();
        const int port = 6392;
        using var ns = PeerNamespace.Create(localHasAddress: true);
        using var server = StartShared(ns, port);
        var endpoint = new IPEndPoint(IPAddress.Parse(ns.LocalAddress), port);

        // From the root namespace the address is the host's own: its kernel refuses, our server never sees it.
        using (var rootSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var refused = await Assert.ThrowsAnyAsync<SocketException>(() => rootSocket.ConnectAsync(endpoint));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        foreach (var protocol in new[] { RedisProtocol.Resp2, RedisProtocol.Resp3 })
        {
            var tunnel = new PeerNamespaceTunnel(ns);
            using var mux = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { endpoint },
                Tunnel = tunnel,
                Protocol = protocol,
                AbortOnConnectFail = true,
                ConnectTimeout = 10000,
                AllowAdmin = true,
            });
            var db = mux.GetDatabase();
            string p = $"peer:{protocol}:";

            Assert.True(await db.StringSetAsync(p + "s", "through the peer namespace"));
            Assert.Equal("through the peer namespace", (string?)await db.StringGetAsync(p + "s"));

            // Pipelined: each task queues all its increments before awaiting any.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => db.StringIncrementAsync(p + "n"))))));
            Assert.Equal(4000, (long)await db.StringGetAsync(p + "n"));

            await db.HashSetAsync(p + "h", [new("a", "1"), new("b", "2")]);
            Assert.Equal(12, await db.HashIncrementAsync(p + "h", "b", 10));
            var hash = (await db.HashGetAllAsync(p + "h")).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "12" }, hash);

            var first = db.CreateTransaction();
            first.AddCondition(Condition.KeyNotExists(p + "lock"));
            var took = first.StringSetAsync(p + "lock", "held");
            var counted = first.StringIncrementAsync(p + "tx");
            Assert.True(await first.ExecuteAsync());
            Assert.True(await took);
            Assert.Equal(1, await counted);
            var second = db.CreateTransaction();
            second.AddCondition(Condition.KeyNotExists(p + "lock"));
            _ = second.StringIncrementAsync(p + "tx");
            Assert.False(await second.ExecuteAsync()); // the condition failed: nothing ran
            Assert.Equal(1, (long)await db.StringGetAsync(p + "tx"));

            var channel = RedisChannel.Literal(p + "channel");
            var messages = await mux.GetSubscriber().SubscribeAsync(channel);
            Assert.Equal(1, await db.PublishAsync(channel, "hello"));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal("hello", (string?)(await messages.ReadAsync(wait.Token)).Message);

            // The server saw every connection come from the peer's address; RESP2 needed a separate
            // subscription connection, and the tunnel made it too.
            var clients = await mux.GetServer(endpoint).ClientListAsync();
            Assert.NotEmpty(clients);
            Assert.All(clients, c => Assert.Equal(IPAddress.Parse(ns.PeerAddress), ((IPEndPoint)c.Address!).Address));
            Assert.Contains(ConnectionType.Interactive, tunnel.Connections);
            if (protocol == RedisProtocol.Resp2) Assert.Contains(ConnectionType.Subscription, tunnel.Connections);
        }
    }

    [SkippableFact]
    public async Task Differential_scripts_from_the_peer_namespace_over_af_xdp_match_redis_server()
    {
        PeerNamespace.RequireRoot();
        const int port = 6393;
        using var ns = PeerNamespace.Create(localHasAddress: true);
        using var server = StartShared(ns, port);
        var endpoint = new IPEndPoint(IPAddress.Parse(ns.LocalAddress), port);
        string big = string.Concat(Enumerable.Range(0, 100_000).Select(i => (char)('a' + i % 26)));
        var scripts = new Action<DifferentialHarness>[]
        {
            ScriptedDifferentialTests.StringScript,
            ScriptedDifferentialTests.KeyAndExpireScript,
            CollectionDifferentialTests.ListScript,
            CollectionDifferentialTests.HashScript,
            CollectionDifferentialTests.SetScript,
            CollectionDifferentialTests.SortedSetScript,
            TransactionPubSubDifferentialTests.TransactionScript,
            h =>
            {
                // A 100 KB value (many segments each way) and errors the scripts above do not reach.
                h.Run("SET", "big", big);
                h.Run("GET", "big");
                h.Run("APPEND", "big", "!");
                h.Run("GETRANGE", "big", "99990", "-1");
                h.Run("LPUSH", "big", "x");
                h.Run("HSET", "big", "f", "v");
                h.Run("NOSUCHCOMMAND", "a", "b");
            },
        };
        var differences = new List<string>();
        int count = 0;
        foreach (var protocol in new[] { RespVersion.Resp2, RespVersion.Resp3 })
        {
            foreach (var script in scripts)
            {
                // A fresh pair per script, as where the scripts come from: each starts on an empty database 9.
                var ours = new RespConnection(await ns.ConnectAsync(endpoint));
                using var h = new DifferentialHarness(ours, new RespConnection(servers.Redis.Port), protocol);
                script(h);
                differences.AddRange(h.Differences);
                count += h.Count;
            }
        }
        Assert.True(count > 1000, $"only {count} commands");
        Assert.True(differences.Count == 0, $"{differences.Count} of {count} replies differ:\n" + string.Join("\n", differences.Take(15)));
    }

    [SkippableFact]
    public async Task Shared_mode_leaves_ping_to_the_host_kernel()
    {
        PeerNamespace.RequireRoot();
        const int port = 6394;
        using var ns = PeerNamespace.Create(localHasAddress: true);
        using var server = StartShared(ns, port);
        var endpoint = new IPEndPoint(IPAddress.Parse(ns.LocalAddress), port);
        using (var before = new RespConnection(await ns.ConnectAsync(endpoint)))
            Assert.Equal("PONG", before.Call("PING").Text); // our XDP program is attached and steering our port

        // Our program passes everything but TCP to our port, so ICMP echo goes to the host's stack: the
        // root namespace's kernel counts the replies it sent (not our stack answering in its place).
        long repliesBefore = KernelEchoReplies();
        var (code, output) = ns.TryInNs(15_000, "ping", "-c", "3", "-W", "2", ns.LocalAddress);
        Assert.True(code == 0 && output.Contains("3 received", StringComparison.Ordinal), $"ping: exit {code}: {output}");
        Assert.True(KernelEchoReplies() - repliesBefore >= 3, "the host kernel sent the echo replies");

        using var after = new RespConnection(await ns.ConnectAsync(endpoint));
        Assert.Equal("PONG", after.Call("PING").Text);
    }

    /// <summary>Icmp OutEchoReps of this (the root) namespace's kernel, from /proc/net/snmp.</summary>
    private static long KernelEchoReplies()
    {
        var icmp = File.ReadLines("/proc/net/snmp").Where(l => l.StartsWith("Icmp: ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        return long.Parse(icmp[1][Array.IndexOf(icmp[0], "OutEchoReps")], CultureInfo.InvariantCulture);
    }
}
