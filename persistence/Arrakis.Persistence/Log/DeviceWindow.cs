using Arrakis.IoBypass.Block;

namespace Arrakis.Persistence.Log;

/// <summary>
/// Byte-granular reads over a block queue pair for recovery and tools: keeps one aligned chunk and
/// reads the next one through the queue pair when a request leaves it. Waits for the device.
/// </summary>
internal sealed class DeviceWindow
{
    private readonly IQueuePair _device;
    private readonly BlockBuffer _chunk;
    private long _chunkBase = -1;
    private int _chunkLength;

    public DeviceWindow(IQueuePair device, int chunkBytes)
    {
        _device = device;
        _chunk = device.AllocateBuffer(Math.Max(chunkBytes / device.BlockSize, 1) * device.BlockSize);
    }

    /// <summary>Copies [offset, offset + destination.Length) into <paramref name="destination"/>: 0 or -errno.</summary>
    public int Read(long offset, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            long pos = offset + done;
            if (pos < _chunkBase || pos >= _chunkBase + _chunkLength)
            {
                int r = Load(pos / _device.BlockSize * _device.BlockSize);
                if (r < 0) return r;
            }
            int within = (int)(pos - _chunkBase);
            int n = Math.Min(_chunkLength - within, destination.Length - done);
            _chunk.Span.Slice(within, n).CopyTo(destination[done..]);
            done += n;
        }
        return 0;
    }

    private int Load(long chunkBase)
    {
        if (chunkBase >= _device.Capacity) return -BlockErrno.EINVAL;
        int length = (int)Math.Min(_chunk.Length, _device.Capacity - chunkBase);
        int r = _device.QueueRead(_chunk, 0, length, chunkBase, 7);
        if (r < 0) return r;
        if ((r = _device.Submit()) < 0) return r;
        Span<BlockCompletion> one = stackalloc BlockCompletion[1];
        for (int i = 0; i < 600; i++)
        {
            if (_device.ProcessCompletions(one) == 1)
            {
                if (one[0].Result < 0) return one[0].Result;
                _chunkBase = chunkBase;
                _chunkLength = length;
                return 0;
            }
            _device.WaitForCompletion(100);
        }
        return -BlockErrno.ETIME;
    }
}
