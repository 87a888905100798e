using System.Text;
using Arrakis.Server.Testing;
using BenchmarkDotNet.Attributes;

namespace Arrakis.Benchmarks;

/// <summary>One request through the whole command path without a network: parse, look up, lock the
/// key's stripe, execute against the keyspace, encode the reply.</summary>
[MemoryDiagnoser]
public class CommandExecutionBenchmarks
{
    private CommandHarness _harness = null!;
    private readonly byte[] _get = Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n");
    private readonly byte[] _set = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$16\r\nxxxxxxxxxxxxxxxx\r\n");
    private readonly byte[] _incr = Encoding.ASCII.GetBytes("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n");

    [GlobalSetup]
    public void Setup()
    {
        _harness = new CommandHarness();
        _harness.Execute(_set);
    }

    [GlobalCleanup]
    public void Cleanup() => _harness.Dispose();

    [Benchmark]
    public int Get() => _harness.Execute(_get);

    /// <summary>Allocates the stored value (16 bytes + array header): the one allocation a write needs.</summary>
    [Benchmark]
    public int SetExistingKey() => _harness.Execute(_set);

    [Benchmark]
    public int Incr() => _harness.Execute(_incr);
}
