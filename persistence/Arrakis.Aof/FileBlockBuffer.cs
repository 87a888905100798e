using Arrakis.IoBypass.Block;

namespace Arrakis.Aof;

/// <summary>A <see cref="BlockBuffer"/> over a managed array (a plain file needs no alignment or registration).</summary>
internal sealed class FileBlockBuffer(IQueuePair owner, byte[] bytes) : BlockBuffer
{
    public override Memory<byte> Memory => bytes;

    public override IQueuePair Owner => owner;

    public override void Dispose()
    {
    }
}
