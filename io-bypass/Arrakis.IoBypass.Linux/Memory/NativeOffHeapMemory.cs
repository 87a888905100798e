using System.Runtime.InteropServices;
using Arrakis.IoBypass.Memory;

namespace Arrakis.IoBypass.Linux.Memory;

/// <summary>
/// <see cref="OffHeapBuffer"/>s in native memory (NativeMemory.Alloc: glibc malloc; big ones are their own
/// mmap and go back to the kernel when freed). A buffer nobody disposed is freed by its finalizer.
/// </summary>
public sealed class NativeOffHeapMemory : IOffHeapMemory
{
    public static readonly NativeOffHeapMemory Instance = new();

    public OffHeapBuffer Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new NativeBuffer(length);
    }

    private sealed unsafe class NativeBuffer : OffHeapBuffer
    {
        private byte* _pointer;
        private readonly int _length;

        public NativeBuffer(int length)
        {
            _pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, length));
            _length = length;
        }

        public override Span<byte> Span
        {
            get
            {
                ObjectDisposedException.ThrowIf(_pointer == null, this);
                return new Span<byte>(_pointer, _length);
            }
        }

        public override int Length => _length;

        public override void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        private void Free()
        {
            byte* p = _pointer;
            _pointer = null;
            if (p != null) NativeMemory.Free(p);
        }

        ~NativeBuffer() => Free();
    }
}
