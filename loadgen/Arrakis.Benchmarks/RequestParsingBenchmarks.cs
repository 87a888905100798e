using System.Text;
using Arrakis.Protocol;
using BenchmarkDotNet.Attributes;

namespace Arrakis.Benchmarks;

/// <summary>Parsing a pipelined batch of 16 SET and GET requests (as redis-benchmark -P 16 sends them).</summary>
[MemoryDiagnoser]
public class RequestParsingBenchmarks
{
    private readonly RequestReader _reader = new();
    private readonly RequestArguments _args = new();
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            sb.Append("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000000042\r\n$16\r\nxxxxxxxxxxxxxxxx\r\n");
            sb.Append("*2\r\n$3\r\nGET\r\n$16\r\nkey:000000000042\r\n");
        }
        _batch = Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Returns the argument count seen, so the work cannot be optimised away.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int ParsePipelinedBatch()
    {
        int start = 0, seen = 0;
        while (start < _batch.Length)
        {
            _reader.TryRead(_batch.AsSpan(start), _args, out int consumed);
            seen += _args.Count;
            start += consumed;
        }
        return seen;
    }
}
