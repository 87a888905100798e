using System.Buffers;
using System.Numerics;

namespace Arrakis.Server.Sessions;

/// <summary>
/// The pool of connections' input and output buffers: arrays on the pinned heap, in power-of-two sizes
/// from 4 KiB to 64 KiB, kept for reuse up to 4 MiB per size; bigger requests (a big pipeline, a big reply)
/// get an ordinary array of their own that is dropped when returned, so the collector takes it back.
/// </summary>
/// <remarks>
/// Pinned, because a connection's buffers live as long as it does: from <see cref="ArrayPool{T}.Shared"/>
/// (the ordinary heap) the 50 connections of a benchmark held 1.6 MB that the first young collection after a
/// load found alive and copied. Thread-safe (a short lock; renting and returning happen on connect,
/// disconnect and when a buffer grows or shrinks, not per request). Keeping bigger sizes too held a bulk
/// load's grown input buffers (up to 1 MiB each) for good: 2 bytes per element of 10 lists of 100k.
/// </remarks>
internal sealed class SessionBuffers : ArrayPool<byte>
{
    public static new SessionBuffers Shared { get; } = new();

    private const int MinShift = 12, MaxShift = 16;
    private const long KeepBytesPerSize = 4L << 20;
    private readonly Lock _lock = new();
    private readonly byte[]?[][] _free = new byte[]?[MaxShift - MinShift + 1][];
    private readonly int[] _count = new int[MaxShift - MinShift + 1];

    private SessionBuffers()
    {
        for (int c = 0; c < _free.Length; c++) _free[c] = new byte[]?[KeepBytesPerSize >> (MinShift + c)];
    }

    public override byte[] Rent(int minimumLength)
    {
        if (minimumLength <= 0) return [];
        if (minimumLength > 1 << MaxShift) return GC.AllocateUninitializedArray<byte>(minimumLength);
        int shift = Math.Max(MinShift, BitOperations.Log2((uint)minimumLength - 1) + 1);
        int c = shift - MinShift;
        lock (_lock)
        {
            if (_count[c] > 0)
            {
                int i = --_count[c];
                var array = _free[c][i]!;
                _free[c][i] = null;
                return array;
            }
        }
        return GC.AllocateUninitializedArray<byte>(1 << shift, pinned: true);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        int length = array.Length;
        if (length < 1 << MinShift || length > 1 << MaxShift || !BitOperations.IsPow2(length)) return;
        if (clearArray) Array.Clear(array);
        int c = BitOperations.Log2((uint)length) - MinShift;
        lock (_lock)
        {
            if (_count[c] < _free[c].Length) _free[c][_count[c]++] = array;
        }
    }
}
