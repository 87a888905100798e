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
    private readonly byte[] _setNew = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000043\r\n$16\r\nxxxxxxxxxxxxxxxx\r\n");
    private readonly byte[] _delNew = Encoding.ASCII.GetBytes("*2\r\n$3\r\nDEL\r\n$16\r\nkey:000000000043\r\n");
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

    /// <summary>Rewrites the key's record in place: allocates nothing.</summary>
    [Benchmark]
    public int SetExistingKey() => _harness.Execute(_set);

    /// <summary>SET of a key that does not exist, then DEL of it (a new slot and record each time, taken from
    /// the table's free lists): allocates nothing.</summary>
    [Benchmark]
    public int SetNewKeyThenDel() => _harness.Execute(_setNew) + _harness.Execute(_delNew);

    [Benchmark]
    public int Incr() => _harness.Execute(_incr);
}
