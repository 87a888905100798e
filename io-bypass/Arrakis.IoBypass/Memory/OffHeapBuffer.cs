namespace Arrakis.IoBypass.Memory;

/// <summary>
/// Bytes the garbage collector neither counts nor walks: bulk data that lives for a while and then goes all at
/// once (a snapshot's captured keys, the key tables' record pages). From <see cref="IOffHeapMemory"/>. <see cref="Dispose"/> returns the
/// memory at once; using the buffer after that throws <see cref="ObjectDisposedException"/>. One owner at a time.
/// </summary>
public abstract class OffHeapBuffer : IDisposable
{
    public abstract Span<byte> Span { get; }

    public abstract int Length { get; }

    public abstract void Dispose();
}
