using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Tests.Engine;

/// <summary>A short real workload against Debian's redis-server: counts add up, --verify passes, errors are counted.</summary>
public sealed class RedisServerRunTests : IDisposable
{
    private readonly Process _redis;
    private readonly int _port;

    public RedisServerRunTests()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        _port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        if (!File.Exists("/usr/bin/redis-server")) throw new InvalidOperationException("redis-server missing: tests/run.sh installs it");
        _redis = Process.Start(new ProcessStartInfo("/usr/bin/redis-server", $"--port {_port} --bind 127.0.0.1 --save \"\" --appendonly no") { RedirectStandardOutput = true })!;
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient("127.0.0.1", _port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 8)]
    public void Counts_add_up_and_verify_passes(bool resp3, int pipeline)
    {
        var o = new LoadGenOptions { Port = _port, Threads = 2, Clients = 4, Pipeline = pipeline, Requests = 500, SetRatio = 1, GetRatio = 1, KeyMaximum = 50, Verify = true, Resp3 = resp3, DataSizeMin = 1, DataSizeMax = 300 };
        var r = LoadRunner.Run(o);
        Assert.False(r.Aborted);
        Assert.Equal(2 * 4 * 500, r.Totals.Count);
        Assert.Equal(r.Totals.Count, r.Commands.Sum(c => c.Count));
        var gets = r.Commands.Single(c => c.Name == "Gets");
        Assert.Equal(gets.Count, gets.Hits + gets.Misses);
        Assert.True(gets.Hits > 0);
        Assert.Equal(0, r.Totals.VerifyFailures);
        Assert.Equal(0, r.Totals.Errors);
    }

    [Fact]
    public void Verify_catches_values_that_this_run_did_not_set()
    {
        var poison = new LoadGenOptions { Port = _port, Clients = 1, Requests = 20, KeyMaximum = 0, KeyPrefix = "verify:", Commands = { new CommandSpec(["SET", "__key__", "garbage"], 1, "Sets") } };
        LoadRunner.Run(poison);
        var o = new LoadGenOptions { Port = _port, Clients = 1, Requests = 20, SetRatio = 0, GetRatio = 1, KeyMaximum = 0, KeyPrefix = "verify:", Verify = true };
        var r = LoadRunner.Run(o);
        Assert.Equal(20, r.Totals.VerifyFailures);
    }

    [Fact]
    public void Server_errors_are_counted_not_hidden()
    {
        var o = new LoadGenOptions { Port = _port, Clients = 2, Requests = 10, Commands = { new CommandSpec(["NOSUCHCOMMAND", "__key__"], 1, "Nosuchcommands") } };
        var r = LoadRunner.Run(o);
        Assert.Equal(20, r.Totals.Errors);
        Assert.Contains(r.Problems, p => p.Contains("unknown command", StringComparison.Ordinal));
    }

    [Fact]
    public void Auth_db_and_resp3_handshake_reach_a_password_protected_server()
    {
        using var secured = Start("--requirepass s3cret");
        var o = new LoadGenOptions { Port = secured.Port, Clients = 2, Requests = 50, Auth = "s3cret", Db = 3, Resp3 = true, KeyMaximum = 5, KeyPrefix = "authdb:" };
        var r = LoadRunner.Run(o);
        Assert.Equal(100, r.Totals.Count);
        Assert.Equal(0, r.Totals.Errors);
        var bad = Assert.Throws<OptionException>(() => LoadRunner.Run(new LoadGenOptions { Port = secured.Port, Clients = 1, Auth = "wrong" }));
        Assert.Contains("WRONGPASS", bad.Message);
    }

    [Fact]
    public void A_dropped_connection_is_reported_and_stops_the_run()
    {
        using var victim = Start("");
        var o = new LoadGenOptions { Port = victim.Port, Clients = 4, TestTimeSeconds = 30, KeyMaximum = 5 };
        var killer = new Thread(() =>
        {
            Thread.Sleep(500);
            victim.Process.Kill();
        });
        killer.Start();
        var r = LoadRunner.Run(o);
        killer.Join();
        Assert.True(r.Aborted);
        Assert.Contains(r.Problems, p => p.Contains("dropped", StringComparison.Ordinal));
    }

    private sealed record RedisInstance(Process Process, int Port) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill();
            Process.WaitForExit(5000);
            Process.Dispose();
        }
    }

    private static RedisInstance Start(string extra)
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var p = Process.Start(new ProcessStartInfo("/usr/bin/redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no {extra}") { RedirectStandardOutput = true })!;
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient("127.0.0.1", port);
                return new RedisInstance(p, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException("redis-server did not start");
    }

    [Fact]
    public void Json_and_hdr_outputs_describe_the_run()
    {
        string dir = Directory.CreateTempSubdirectory("loadgen-out").FullName;
        var o = new LoadGenOptions { Port = _port, Clients = 2, Requests = 100, KeyMaximum = 10, JsonOut = Path.Combine(dir, "r.json"), HdrOut = Path.Combine(dir, "lat") };
        var r = LoadRunner.Run(o);
        Arrakis.LoadGen.Reporting.JsonReport.Write(o.JsonOut, Arrakis.LoadGen.Reporting.JsonReport.Build(o, r));
        Arrakis.LoadGen.Reporting.JsonReport.WriteHdr(o.HdrOut, r);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(o.JsonOut));
        var totals = doc.RootElement.GetProperty("totals");
        Assert.Equal(200, totals.GetProperty("count").GetInt64());
        Assert.True(totals.GetProperty("percentiles_ms").GetProperty("99").GetDouble() > 0);
        Assert.Equal(2, doc.RootElement.GetProperty("commands").EnumerateObject().Count());
        var hgrm = File.ReadAllText(Path.Combine(dir, "lat_Totals.hgrm"));
        Assert.Contains("Value", hgrm);
        Assert.Contains("#[Mean", hgrm);
    }

    [Fact]
    public void Unreachable_server_is_a_clear_error()
    {
        var e = Assert.Throws<OptionException>(() => LoadRunner.Run(new LoadGenOptions { Port = 1, Clients = 1 }));
        Assert.StartsWith("cannot connect to 127.0.0.1:1", e.Message);
    }

    public void Dispose()
    {
        _redis.Kill();
        _redis.WaitForExit(5000);
        _redis.Dispose();
    }
}
