using System.Runtime;
using System.Runtime.InteropServices;

namespace Arrakis.Server.Runtime;

/// <summary>
/// Gives memory back after bursts of allocation: a compacting full collection when the server has
/// gone quiet after allocating a lot (the GC otherwise keeps the garbage of a bulk load until the
/// next busy period) and no client is connected, and on MEMORY PURGE. The collection stops the world
/// (10-17 ms after a benchmark's load), so never while a client could be waiting for a reply: a
/// connected client may send at any moment, and a tail is what this server is for.
/// </summary>
internal static class MemoryHousekeeping
{
    private const long AllocationThreshold = 64L * 1024 * 1024;
    private const long QuietMs = 2000;
    private static long _allocatedAtLastCompaction;
    private static long _lastActivityMs = ServerClock.MonotonicMs;

    /// <summary>Any data-plane thread, on every batch of events.</summary>
    public static void NoteActivity(long nowMs) => Volatile.Write(ref _lastActivityMs, nowMs);

    /// <summary>From data-plane thread 0's cron: compacts when quiet for a while after heavy allocation, with no client connected.</summary>
    public static void MaybeCompact(long nowMs, int connectedClients)
    {
        if (connectedClients > 0) return;
        if (nowMs - Volatile.Read(ref _lastActivityMs) < QuietMs) return;
        if (GC.GetTotalAllocatedBytes() - _allocatedAtLastCompaction < AllocationThreshold) return;
        Compact();
    }

    /// <summary>
    /// Starts the collector's background mode before any client is served. A process's first collection of
    /// generation 2 that an allocation sets off is a blocking one (it also starts the background GC thread);
    /// the later ones are background collections with sub-millisecond pauses. The first bulk load of new
    /// keys used to meet it, as a 10-15 ms pause on the budget for pinned objects (record pages then; slot segments and bucket arrays now). Allocating
    /// pinned arrays until that budget runs out (about 4 MB, never touched, so never resident) takes it at
    /// startup instead. Returns the megabytes it took.
    /// </summary>
    public static int PrimeBackgroundCollections()
    {
        int gen2 = GC.CollectionCount(2), mb = 0;
        var held = new List<byte[]>();
        while (GC.CollectionCount(2) == gen2 && mb < 256)
        {
            held.Add(GC.AllocateUninitializedArray<byte>(1 << 20, pinned: true));
            mb++;
        }
        held.Clear();
        return mb;
    }

    public static void Compact()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _allocatedAtLastCompaction = GC.GetTotalAllocatedBytes();
        TrimNativeHeap();
    }

    /// <summary>
    /// Returns the C heap's free pages to the system (glibc's malloc_trim). The collector's own working memory
    /// during a collection (mark lists, for instance) comes from malloc in per-thread arenas; glibc frees it
    /// without giving the pages back, so a bulk load left several megabytes resident that nothing used.
    /// </summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc (musl has no malloc_trim)
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
