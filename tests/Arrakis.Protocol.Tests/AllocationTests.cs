using System.Buffers;
using System.Text;

namespace Arrakis.Protocol.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Parsing_a_pipelined_batch_and_writing_replies_allocate_nothing()
    {
        var batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nPING\r\n", 8)));
        var reader = new RequestReader();
        var args = new RequestArguments();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var writer = new RespWriter(buffer);
        void Round()
        {
            int start = 0;
            while (start < batch.Length && reader.TryRead(batch.AsSpan(start), args, out int consumed) == RespParseStatus.Done)
            {
                start += consumed;
                writer.WriteBulk(args.Get(batch.AsSpan(start - consumed), args.Count - 1));
                writer.WriteInteger(args.Count);
                writer.WriteDouble(1.5);
            }
            buffer.ResetWrittenCount();
        }
        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
