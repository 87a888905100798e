using System.Text;
using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Server.Commands;
using Arrakis.Server.Configuration;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Tests.Commands;

/// <summary>
/// The dispatcher's safety net: a handler that throws (injected here) costs its caller one error
/// reply; the locks it held are released, the thread and every other client go on, and the failure
/// is counted in INFO errorstats and commandstats.
/// </summary>
public sealed class SafetyNetTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();
    private readonly ArrakisServer _server;

    public SafetyNetTests()
    {
        var table = CommandTable.CreateCopy();
        table.Find("get")!.Handler = _ => throw new InvalidOperationException("injected failure");
        // MSET writes part of its reply state and holds several stripes when it fails.
        table.Find("mset")!.Handler = c =>
        {
            c.Reply.WriteArrayHeader(3);
            c.Reply.WriteBulk("half a reply"u8);
            throw new IndexOutOfRangeException("injected failure");
        };
        _server = new ArrakisServer(new ServerOptions { Threads = 2 }, _ => _network.CreateSource(), log: null, table);
        _server.Start();
    }

    private static string Exchange(InMemoryClient c, string request, string expectedEnd)
    {
        c.Write(Encoding.ASCII.GetBytes(request));
        var sb = new StringBuilder();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!sb.ToString().EndsWith(expectedEnd, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            sb.Append(Encoding.ASCII.GetString(c.Read(TimeSpan.FromMilliseconds(100))));
        return sb.ToString();
    }

    private const string GetFailure = "-ERR internal error while running 'get' (InvalidOperationException); the server logged it and goes on serving\r\n";

    [Fact]
    public void Throwing_handler_answers_an_error_and_the_connection_goes_on()
    {
        using var c = _network.Connect();
        Assert.Equal("+OK\r\n" + GetFailure + "+PONG\r\n", Exchange(c, "SET k v\r\nGET k\r\nPING\r\n", "+PONG\r\n"));
    }

    [Fact]
    public void Half_written_reply_is_replaced_and_the_stripes_are_released()
    {
        using var failing = _network.Connect();
        using var other = _network.Connect();
        string reply = Exchange(failing, "MSET a 1 b 2 c 3\r\nPING\r\n", "+PONG\r\n");
        Assert.StartsWith("-ERR internal error while running 'mset' (IndexOutOfRangeException)", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("half a reply", reply, StringComparison.Ordinal);
        // Another connection (maybe on the other thread) takes the same stripes at once.
        Assert.Equal("+OK\r\n+OK\r\n+OK\r\n", Exchange(other, "SET a x\r\nSET b y\r\nSET c z\r\n", "+OK\r\n+OK\r\n+OK\r\n"));
    }

    [Fact]
    public void Failure_inside_exec_fails_only_that_command()
    {
        using var c = _network.Connect();
        string reply = Exchange(c, "MULTI\r\nSET t 1\r\nGET t\r\nINCR t\r\nEXEC\r\n", ":2\r\n");
        Assert.EndsWith("*3\r\n+OK\r\n" + GetFailure + ":2\r\n", reply, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_are_counted_in_errorstats_and_commandstats()
    {
        using var c = _network.Connect();
        Exchange(c, "CONFIG RESETSTAT\r\nGET k\r\nGET k\r\n", GetFailure + GetFailure);
        string stats = Exchange(c, "INFO everything\r\n", "\r\n\r\n");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!stats.Contains("# Keyspace", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            stats += Encoding.ASCII.GetString(c.Read(TimeSpan.FromMilliseconds(100)));
        Assert.Contains("errorstat_ERR:count=2\r\n", stats, StringComparison.Ordinal);
        Assert.Contains("cmdstat_get:calls=2,", stats, StringComparison.Ordinal);
        Assert.Contains(",rejected_calls=0,failed_calls=2\r\n", stats, StringComparison.Ordinal);
    }

    public void Dispose() => _server.Dispose();
}
