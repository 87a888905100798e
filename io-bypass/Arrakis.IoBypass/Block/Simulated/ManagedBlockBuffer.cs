namespace Arrakis.IoBypass.Block.Simulated;

/// <summary>A <see cref="BlockBuffer"/> over a managed array (simulated devices need no alignment or registration).</summary>
internal sealed class ManagedBlockBuffer(IQueuePair owner, byte[] bytes) : BlockBuffer
{
    public override Memory<byte> Memory => bytes;

    public override IQueuePair Owner => owner;

    public override void Dispose()
    {
    }
}
