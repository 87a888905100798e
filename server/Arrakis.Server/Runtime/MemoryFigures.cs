namespace Arrakis.Server.Runtime;

/// <summary>
/// INFO's used_memory from our own accounting, as Redis's comes from its allocator's counters: what the
/// server was at startup (the runtime's objects, measured once), the key tables (slots, buckets, record
/// pages: <see cref="Keyspace.KeyTable.OwnBytes"/>) and their object values (kept current by the tables:
/// <see cref="Keyspace.KeyTable.ValueBytes"/>), the clients' buffers and the scripts' source. Read without
/// stripe locks (figures of the moment, each one a single read), so INFO inside MULTI or a script is safe.
/// </summary>
internal readonly record struct MemoryFigures(long Startup, long Index, long Dataset, long Clients, long Scripts, long Keys)
{
    /// <summary>used_memory.</summary>
    public long Total => Startup + Index + Dataset + Clients + Scripts;

    /// <summary>used_memory_overhead: everything but the keys' records and values.</summary>
    public long Overhead => Startup + Index + Clients + Scripts;

    public static MemoryFigures Measure(ServerState s)
    {
        long index = 0, all = 0, keys = 0;
        for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
        {
            foreach (var t in s.Keyspace[i].Tables)
            {
                if (t is null) continue;
                index += t.IndexBytes;
                all += t.TotalBytes;
                keys += t.Count;
            }
        }
        long clients = 0;
        foreach (var c in s.Clients.Snapshot()) clients += (long)c.Input.Buffer.Length + c.Output.Capacity;
        long scripts = s.Scripts.BodyBytes + s.Functions.CodeBytes;
        var f = new MemoryFigures(s.StartupMemory, index, all - index, clients, scripts, keys);
        s.NotePeakMemory(f.Total);
        return f;
    }
}
