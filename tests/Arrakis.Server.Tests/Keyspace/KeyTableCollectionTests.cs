using System.Text;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Keyspace;

/// <summary>What the garbage collector does with key tables. The collector's figures are the process's, so these
/// run alone (<see cref="GcMeasurements"/>): a test allocating beside them made a young collection promote 2.7 MB.</summary>
[Collection(GcMeasurements.Name)]
public sealed class KeyTableCollectionTests
{
    [Fact]
    public void A_young_collection_during_a_load_copies_no_slots()
    {
        // The stripes' 256 tables with 100k keys hold ~4.5 MB of slots and buckets, each table under a full
        // chunk. On the ordinary heap the first young collection of the load found them all alive and copied
        // them (a 10 ms pause in the SET P1 benchmark); on the pinned heap nothing of them is copied. The record
        // pages are native memory, as in the server process.
        var tables = new KeyTable[256];
        for (int i = 0; i < tables.Length; i++) tables[i] = new KeyTable(Arrakis.IoBypass.Linux.Memory.NativeOffHeapMemory.Instance);
        GC.Collect();
        var value = "0123456789abcdef"u8.ToArray();
        Span<byte> key = stackalloc byte[16];
        for (int i = 0; i < 100_000; i++)
        {
            Encoding.ASCII.GetBytes($"key:{i:D12}", key);
            int hash = KeyTable.Hash(key);
            tables[hash & 255].AddString(key, hash, value);
        }
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        long promoted = GC.GetGCMemoryInfo(GCKind.Ephemeral).PromotedBytes;
        Assert.True(promoted < 1 << 20, $"a young collection after the load promoted {promoted} bytes");
        Assert.Equal(100_000, tables.Sum(t => t.Count));
        foreach (var t in tables) t.Release();
    }
}
