using System.Buffers;
using Arrakis.Protocol;
using BenchmarkDotNet.Attributes;

namespace Arrakis.Benchmarks;

/// <summary>Writing the replies of a pipelined batch: +OK, bulk strings, integers, nulls.</summary>
[MemoryDiagnoser]
public class ReplyWritingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private RespWriter _writer = null!;
    private readonly byte[] _value = new byte[16];

    [GlobalSetup]
    public void Setup() => _writer = new RespWriter(_buffer, RespVersion.Resp2);

    [Benchmark(OperationsPerInvoke = 16)]
    public int WriteBatchOfReplies()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < 4; i++)
        {
            _writer.WriteOk();
            _writer.WriteBulk(_value);
            _writer.WriteInteger(123456 + i);
            _writer.WriteNull();
        }
        return _buffer.WrittenCount;
    }
}
