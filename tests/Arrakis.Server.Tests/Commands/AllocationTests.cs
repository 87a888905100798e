using System.Text;
using Arrakis.Server.Testing;

namespace Arrakis.Server.Tests.Commands;

/// <summary>The request path allocates nothing per request beyond the data it stores (checked with the
/// thread's allocation counter, the same quantity BenchmarkDotNet's MemoryDiagnoser reports).</summary>
public sealed class AllocationTests
{
    private static long AllocatedBy(Action action, int iterations)
    {
        action(); // warm up: first calls may allocate (JIT, lazy statics)
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Get_ping_incr_exists_and_ttl_allocate_nothing()
    {
        using var h = new CommandHarness();
        h.Execute(Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"));
        foreach (var request in new[] { "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*1\r\n$4\r\nPING\r\n", "*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n", "*2\r\n$3\r\nTTL\r\n$1\r\nk\r\n", "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", "*3\r\n$4\r\nMGET\r\n$1\r\nk\r\n$1\r\nx\r\n" })
        {
            var bytes = Encoding.ASCII.GetBytes(request);
            Assert.Equal(0, AllocatedBy(() => h.Execute(bytes), 1000));
        }
    }

    [Fact]
    public void Set_of_an_existing_key_allocates_only_the_stored_value()
    {
        using var h = new CommandHarness();
        var set = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16\r\nxxxxxxxxxxxxxxxx\r\n");
        long perRequest = AllocatedBy(() => h.Execute(set), 1000) / 1000;
        Assert.InRange(perRequest, 16, 48); // a 16-byte array: 24 bytes of header + 16 of data
    }

    [Fact]
    public void Harness_replies_like_the_server()
    {
        using var h = new CommandHarness();
        Assert.Equal("+OK\r\n", h.ExecuteToString("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2\r\n10\r\n"u8));
        Assert.Equal(":11\r\n", h.ExecuteToString("*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"u8));
        Assert.Equal("$3\r\nint\r\n", h.ExecuteToString("*3\r\n$6\r\nOBJECT\r\n$8\r\nENCODING\r\n$1\r\na\r\n"u8));
    }
}
