using Arrakis.LoadGen.Engine;
using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Tests.Engine;

/// <summary>The open-loop scheduler keeps its schedule and charges queueing to latency (no coordinated omission).</summary>
public sealed class OpenLoopTests
{
    private static LoadGenOptions Options(int port) => new()
    {
        Port = port, Clients = 1, Threads = 1, Pipeline = 1000, Quiet = true, KeyMaximum = 10, DataSizeMin = 4, DataSizeMax = 4,
        Commands = { new CommandSpec(["ECHO", "__key__"], 1, "Echos") },
    };

    [Fact]
    public void Requests_go_out_on_schedule_when_the_server_keeps_up()
    {
        using var server = new FakeServer(TimeSpan.Zero);
        var o = Options(server.Port);
        o.Rate = 500;
        o.TestTimeSeconds = 1;
        var r = LoadRunner.Run(o);
        Assert.InRange(r.Totals.Count, 450, 550);
        // No queueing: the median stays far below the ~500 ms a queue would build in this second (the
        // bound leaves room for a machine busy with other work; 20 ms failed there now and then).
        Assert.True(RunResult.PercentileMs(r.Totals, 50) < 100, "p50 " + RunResult.PercentileMs(r.Totals, 50));
    }

    [Fact]
    public void Latency_includes_queueing_behind_a_slow_server()
    {
        // 10 ms per request can serve 100/s; asking for 200/s builds a queue, and the requests
        // sent late must show it: the last ones of a 1 s run waited about half a second.
        using var server = new FakeServer(TimeSpan.FromMilliseconds(10));
        var o = Options(server.Port);
        o.Rate = 200;
        o.TestTimeSeconds = 1;
        var r = LoadRunner.Run(o);
        Assert.True(RunResult.PercentileMs(r.Totals, 99) > 300, "p99 " + RunResult.PercentileMs(r.Totals, 99));

        using var server2 = new FakeServer(TimeSpan.FromMilliseconds(10));
        var closed = Options(server2.Port);
        closed.Pipeline = 1;
        closed.Requests = 50;
        var c = LoadRunner.Run(closed);
        // Closed loop: each request waits only for its own 10 ms, never for a queue. The bound sits
        // well below the open loop's 300 ms and leaves room for a busy CI machine (60 ms failed there once).
        Assert.InRange(RunResult.PercentileMs(c.Totals, 99), 9, 200);
    }
}
