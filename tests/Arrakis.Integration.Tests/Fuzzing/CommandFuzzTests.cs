using System.Globalization;
using Arrakis.Protocol;
using Xunit.Abstractions;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// The differential command fuzzer's CI slice: a seeded stream of generated commands per protocol
/// (RESP2, then RESP3) against its own arrakis-server/redis-server pair. Fails on any crash, hang,
/// Redis failure, or difference not listed in <see cref="KnownDifferences"/>. Environment:
/// ARRAKIS_FUZZ_COMMANDS (commands per protocol, default 20000), ARRAKIS_FUZZ_SEED (RESP2 seed; RESP3
/// uses seed + 1), ARRAKIS_FUZZ_REPORT (a file to write the full report to, known entries included).
/// </summary>
public sealed class CommandFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 70_15;

    [Fact]
    public void Generated_commands_match_redis_in_resp2_and_resp3()
    {
        long count = long.Parse(Environment.GetEnvironmentVariable("ARRAKIS_FUZZ_COMMANDS") ?? "20000", CultureInfo.InvariantCulture);
        int seed = int.Parse(Environment.GetEnvironmentVariable("ARRAKIS_FUZZ_SEED") ?? DefaultSeed.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        using var servers = FuzzServers.Start();
        var catalog = CommandCatalog.Load(servers.OursControl, servers.RedisControl);
        Assert.True(catalog.Count > 150, $"only {catalog.Count} commands in the catalog");
        var runner = new FuzzRunner(servers, catalog, new FuzzOptions());
        var reports = new[] { (RespVersion.Resp2, seed), (RespVersion.Resp3, seed + 1) }
            .Select(run => runner.Run(run.Item1, run.Item2, count, output.WriteLine))
            .ToList();

        string full = $"catalog: {catalog.Count} commands\n" + string.Join("\n\n", reports.Select(r => r.Format(includeKnown: true)));
        if (Environment.GetEnvironmentVariable("ARRAKIS_FUZZ_REPORT") is { Length: > 0 } path) File.WriteAllText(path, full);
        output.WriteLine(full);
        Assert.True(!reports.Any(r => r.HasFatal), string.Join("\n\n", reports.Select(r => r.Format(includeKnown: false))));
    }
}
