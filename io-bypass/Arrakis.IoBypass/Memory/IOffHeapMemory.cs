namespace Arrakis.IoBypass.Memory;

/// <summary>
/// Where <see cref="OffHeapBuffer"/>s come from: native memory on Linux (Arrakis.IoBypass.Linux's
/// NativeOffHeapMemory, what the server process uses), or <see cref="ManagedOffHeapMemory"/> in-process where no
/// native allocator was given (unit tests). Thread-safe.
/// </summary>
public interface IOffHeapMemory
{
    /// <summary>A buffer of <paramref name="length"/> bytes, contents undefined.</summary>
    OffHeapBuffer Allocate(int length);
}
