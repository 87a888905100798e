namespace Arrakis.LoadGen.Options;

/// <summary>The workload and connection settings, named after memtier_benchmark's options.</summary>
internal sealed class LoadGenOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 6379;
    public bool Resp3 { get; set; }
    public string? Auth { get; set; }
    public int Db { get; set; }
    public int Threads { get; set; } = 1;
    public int Clients { get; set; } = 50;
    public int Pipeline { get; set; } = 1;
    /// <summary>Requests per client; ignored when <see cref="TestTimeSeconds"/> is set.</summary>
    public long Requests { get; set; } = 10000;
    public double TestTimeSeconds { get; set; }
    public int SetRatio { get; set; } = 1;
    public int GetRatio { get; set; } = 10;
    public string KeyPrefix { get; set; } = "key:";
    public long KeyMinimum { get; set; }
    public long KeyMaximum { get; set; } = 10_000_000;
    public KeyPattern KeyPattern { get; set; } = KeyPattern.Random;
    public double KeyZipfExponent { get; set; } = 1.0;
    public int DataSizeMin { get; set; } = 32;
    public int DataSizeMax { get; set; } = 32;
    public List<CommandSpec> Commands { get; } = new();
    /// <summary>Total requests per second for open-loop runs; 0 = closed loop (as fast as replies come).</summary>
    public double Rate { get; set; }
    public double WarmupSeconds { get; set; }
    public bool Verify { get; set; }
    public int Seed { get; set; } = 1;
    public string? JsonOut { get; set; }
    public string? HdrOut { get; set; }
    public double[] Percentiles { get; set; } = [50, 99, 99.9];
    /// <summary>What a dropped connection does: stop the run (default) or continue without it.</summary>
    public bool ContinueOnDisconnect { get; set; }
    public bool Quiet { get; set; }

    /// <summary>The commands the run uses: --command ones, or SET/GET by --ratio.</summary>
    public IReadOnlyList<CommandSpec> EffectiveCommands =>
        Commands.Count > 0
            ? Commands
            : new[] { new CommandSpec(["SET", "__key__", "__data__"], SetRatio, "Sets"), new CommandSpec(["GET", "__key__"], GetRatio, "Gets") }.Where(c => c.Weight > 0).ToArray();

    public int Connections => Threads * Clients;
}
