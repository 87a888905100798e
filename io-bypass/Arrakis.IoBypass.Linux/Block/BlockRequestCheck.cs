using Arrakis.IoBypass.Block;

namespace Arrakis.IoBypass.Linux.Block;

/// <summary>The argument checks every Linux queue pair makes before it queues a read or write.</summary>
internal static class BlockRequestCheck
{
    /// <summary>
    /// Returns the native buffer, or null when the request is misaligned or out of range (the caller
    /// answers -EINVAL). Buffer offsets must be block-aligned too (O_DIRECT aligns memory as well as
    /// file offsets). Throws for a buffer of another queue pair or one already disposed (bugs).
    /// </summary>
    public static NativeBlockBuffer? Check(IQueuePair owner, BlockBuffer buffer, int bufferOffset, int length, long deviceOffset)
    {
        if (buffer is not NativeBlockBuffer native || !ReferenceEquals(native.Owner, owner))
            throw new ArgumentException("buffer of another queue pair", nameof(buffer));
        if (native.IsDisposed) throw new ObjectDisposedException(nameof(BlockBuffer));
        int block = owner.BlockSize;
        if (length <= 0 || length % block != 0 || deviceOffset < 0 || deviceOffset % block != 0
            || deviceOffset > owner.Capacity - length || bufferOffset < 0 || bufferOffset % block != 0
            || bufferOffset > native.ByteLength - length)
            return null;
        return native;
    }

    /// <summary><paramref name="length"/> rounded up to whole blocks (at least one).</summary>
    public static int RoundUp(int length, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long rounded = (length + (long)blockSize - 1) / blockSize * blockSize;
        return (int)Math.Max(rounded, blockSize);
    }
}
