using Arrakis.IoBypass.Block;

namespace Arrakis.Persistence.Log;

/// <summary>Cuts a torn tail: zeros the damaged bytes (keeping what precedes them in the first block) and flushes. Startup and tools only.</summary>
public static class LogRepair
{
    /// <summary>Zeros [offset, offset + bytes) on the device, durably. Returns 0 or -errno.</summary>
    public static int ZeroRange(IQueuePair device, long offset, long bytes)
    {
        int block = device.BlockSize;
        long start = offset / block * block;
        long end = Math.Min(device.Capacity, (offset + bytes + block - 1) / block * block);
        if (end <= start) return 0;
        using var buffer = device.AllocateBuffer((int)Math.Min(end - start, 1 << 20));
        var window = new DeviceWindow(device, block);
        for (long pos = start; pos < end;)
        {
            int len = (int)Math.Min(buffer.Length, end - pos);
            buffer.Span.Clear();
            if (pos == start && offset > start)
            {
                int r0 = window.Read(start, buffer.Span[..(int)(offset - start)]);
                if (r0 < 0) return r0;
            }
            int r = Run(device, d => d.QueueWrite(buffer, 0, len, pos, BlockWriteFlags.None, 1));
            if (r < 0) return r;
            pos += len;
        }
        return Run(device, d => d.QueueFlush(2, afterPrevious: false));
    }

    private static int Run(IQueuePair device, Func<IQueuePair, int> queue)
    {
        int r = queue(device);
        if (r < 0) return r;
        if ((r = device.Submit()) < 0) return r;
        Span<BlockCompletion> one = stackalloc BlockCompletion[1];
        for (int i = 0; i < 600; i++)
        {
            if (device.ProcessCompletions(one) == 1) return Math.Min(one[0].Result, 0);
            device.WaitForCompletion(100);
        }
        return -BlockErrno.ETIME;
    }
}
