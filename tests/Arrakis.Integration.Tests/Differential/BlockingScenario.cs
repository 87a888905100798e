using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>One scenario on one server: an admin connection (db 10) and waiters, recorded as text.</summary>
public sealed class BlockingScenario : IDisposable
{
    private readonly ServerProcess _server;
    private readonly List<RespConnection> _open = new();

    public BlockingScenario(ServerProcess server)
    {
        _server = server;
        Admin = Open();
        Admin.Call("FLUSHALL");
    }

    public RespConnection Admin { get; }

    public List<string> Transcript { get; } = new();

    public RespConnection Open(int db = 10)
    {
        var c = new RespConnection(_server.Port);
        c.Call("SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _open.Add(c);
        return c;
    }

    /// <summary>Sends a blocking command and waits until the server counts one more blocked client.</summary>
    public RespConnection Block(params string[] command)
    {
        int before = BlockedClients();
        var c = Open();
        c.SendRaw(RespConnection.Encode(command.Select(Encoding.UTF8.GetBytes).ToArray()));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (BlockedClients() != before + 1)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the client did not block: " + string.Join(' ', command));
            Thread.Sleep(5);
        }
        return c;
    }

    public int BlockedClients()
    {
        var info = Admin.Call("INFO", "clients").Text;
        int at = info.IndexOf("blocked_clients:", StringComparison.Ordinal) + "blocked_clients:".Length;
        return int.Parse(info[at..info.IndexOf('\r', at)], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs on the admin connection and records the reply.</summary>
    public void Do(params string[] command) => Transcript.Add($"{string.Join(' ', command)} -> {Admin.Call(command)}");

    /// <summary>Records how many clients are still blocked (the served ones have their reply queued).</summary>
    public void Blocked() => Transcript.Add($"blocked={BlockedClients()}");

    /// <summary>Records the next reply of a waiter.</summary>
    public void Reply(string name, RespConnection waiter) => Transcript.Add($"{name} <- {waiter.ReadReply().Value}");

    public void Dispose()
    {
        foreach (var c in _open) c.Dispose();
    }

    /// <summary>Runs <paramref name="scenario"/> on redis-server, then on Arrakis, and asserts equal transcripts.</summary>
    public static void AssertSameOnBoth(ServerPairFixture servers, Action<BlockingScenario> scenario)
    {
        List<string> Run(ServerProcess server)
        {
            using var s = new BlockingScenario(server);
            scenario(s);
            return s.Transcript;
        }
        var redis = Run(servers.Redis);
        var ours = Run(servers.Arrakis);
        Assert.True(redis.SequenceEqual(ours), $"redis:\n  {string.Join("\n  ", redis)}\narrakis:\n  {string.Join("\n  ", ours)}");
    }
}
