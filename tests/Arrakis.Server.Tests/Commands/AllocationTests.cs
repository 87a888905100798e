using System.Text;
using Arrakis.Server.Testing;

namespace Arrakis.Server.Tests.Commands;

/// <summary>The request path allocates nothing per request beyond the data it stores (checked with the
/// thread's allocation counter, the same quantity BenchmarkDotNet's MemoryDiagnoser reports).</summary>
public sealed class AllocationTests
{
    /// <summary>A harness whose slow log is off: on a loaded machine a command that happens to take over 10 ms
    /// gets a slow-log entry (an allocation Redis makes too), which is not what these tests measure.</summary>
    private static CommandHarness Harness() => new(new Configuration.ServerOptions { Threads = 1, SlowlogLogSlowerThan = -1 });

    private static long AllocatedBy(Action action, int iterations)
    {
        action(); // warm up: first calls may allocate (JIT, lazy statics)
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Growing_a_big_string_byte_by_byte_does_not_copy_it_each_time()
    {
        // APPEND, SETRANGE past the end and SETBIT past the end grow spare capacity geometrically (as
        // Redis's sds does): 1,000 one-byte growths of a 10 MB string cost a few copies, not 10 GB.
        using var h = Harness();
        h.Execute(Encoding.ASCII.GetBytes("*4\r\n$8\r\nSETRANGE\r\n$1\r\ns\r\n$8\r\n10485759\r\n$1\r\nx\r\n"));
        var append = Encoding.ASCII.GetBytes("*3\r\n$6\r\nAPPEND\r\n$1\r\ns\r\n$1\r\ny\r\n");
        long appended = AllocatedBy(() => h.Execute(append), 1000);
        Assert.True(appended < 64L * 1024 * 1024, $"1,000 appends allocated {appended / 1048576} MiB");
        Assert.Equal(":10486762\r\n", h.ExecuteToString(Encoding.ASCII.GetBytes("*2\r\n$6\r\nSTRLEN\r\n$1\r\ns\r\n")));
        int offset = 10486762 * 8;
        long grownBits = AllocatedBy(() => h.Execute(Encoding.ASCII.GetBytes($"*4\r\n$6\r\nSETBIT\r\n$1\r\ns\r\n${(offset += 8).ToString().Length}\r\n{offset}\r\n$1\r\n1\r\n")), 1000);
        Assert.True(grownBits < 64L * 1024 * 1024, $"1,000 SETBITs past the end allocated {grownBits / 1048576} MiB");
    }

    [Fact]
    public void Get_ping_incr_exists_and_ttl_allocate_nothing()
    {
        using var h = Harness();
        h.Execute(Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"));
        foreach (var request in new[] { "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*1\r\n$4\r\nPING\r\n", "*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n", "*2\r\n$3\r\nTTL\r\n$1\r\nk\r\n", "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", "*3\r\n$4\r\nMGET\r\n$1\r\nk\r\n$1\r\nx\r\n" })
        {
            var bytes = Encoding.ASCII.GetBytes(request);
            Assert.Equal(0, AllocatedBy(() => h.Execute(bytes), 1000));
        }
    }

    [Fact]
    public void Set_and_incr_of_an_existing_key_allocate_nothing()
    {
        // The key's record is rewritten in place when the new value is of its size class, else moved
        // to another record of the table's heap: no array per value (issue 12).
        using var h = Harness();
        var sets = new[] { "xxxxxxxxxxxxxxxx", "yyyyyyyyyyyyyy", new string('z', 300), "12" }
            .Select(v => Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${v.Length}\r\n{v}\r\n")).ToArray();
        int i = 0;
        Assert.Equal(0, AllocatedBy(() => h.Execute(sets[i++ % sets.Length]), 1000));
        var incr = Encoding.ASCII.GetBytes("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
        Assert.Equal(0, AllocatedBy(() => h.Execute(incr), 1000));
        var incrBy = Encoding.ASCII.GetBytes("*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$10\r\n1000000000\r\n"); // grows past its size class
        Assert.Equal(0, AllocatedBy(() => h.Execute(incrBy), 1000));
        Assert.Equal(":1002000001003\r\n", h.ExecuteToString("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"u8));
    }

    [Fact]
    public void Set_of_a_new_key_allocates_nothing_when_the_table_has_room()
    {
        // Deleted keys leave their slots and records on free lists: new keys take them without allocating.
        // (A table that falls below 1/8 full shrinks its buckets, as Redis's dict does, and grows them again.)
        // Growing a table allocates its bigger arrays (amortised: see the second half).
        using var h = Harness();
        var sets = Enumerable.Range(0, 20000).Select(n => Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$16\r\nkey:{n:D12}\r\n$16\r\nvalue:{n:D10}\r\n")).ToArray();
        var dels = Enumerable.Range(0, 20000).Select(n => Encoding.ASCII.GetBytes($"*2\r\n$3\r\nDEL\r\n$16\r\nkey:{n:D12}\r\n")).ToArray();
        long grown = GC.GetAllocatedBytesForCurrentThread();
        foreach (var s in sets) h.Execute(s);
        grown = GC.GetAllocatedBytesForCurrentThread() - grown;
        Assert.True(grown / 20000 < 256, $"adding 20,000 keys allocated {grown / 20000} bytes per key");
        for (int n = 0; n < dels.Length; n += 2) h.Execute(dels[n]); // half: the buckets do not shrink
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < sets.Length; n += 2) h.Execute(sets[n]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(":20000\r\n", h.ExecuteToString("*1\r\n$6\r\nDBSIZE\r\n"u8));
    }

    [Fact]
    public void Harness_replies_like_the_server()
    {
        using var h = Harness();
        Assert.Equal("+OK\r\n", h.ExecuteToString("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2\r\n10\r\n"u8));
        Assert.Equal(":11\r\n", h.ExecuteToString("*2\r\n$4\r\nINCR\r\n$1\r\na\r\n"u8));
        Assert.Equal("$3\r\nint\r\n", h.ExecuteToString("*3\r\n$6\r\nOBJECT\r\n$8\r\nENCODING\r\n$1\r\na\r\n"u8));
    }
}
