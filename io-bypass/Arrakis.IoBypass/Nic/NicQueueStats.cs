namespace Arrakis.IoBypass.Nic;

/// <summary>Counters of one NIC queue (INFO and the startup report read them; the owning thread writes them).</summary>
public sealed class NicQueueStats
{
    public long RxFrames;
    public long RxBytes;
    public long TxFrames;
    public long TxBytes;

    /// <summary>Frames the queue could not take: a full TX ring, or no free buffer to allocate.</summary>
    public long TxRingFull;

    /// <summary>Times the fill ring had no buffer to give the NIC (frames the kernel/NIC may have dropped for it).</summary>
    public long RxFillEmpty;

    /// <summary>Wakeups asked of the kernel (sendto/poll for need_wakeup), when the queue has them.</summary>
    public long Wakeups;

    /// <summary>Frames dropped on the way in by a layer below the caller (the kernel's rx_dropped, a fault injector).</summary>
    public long RxDropped;
}
