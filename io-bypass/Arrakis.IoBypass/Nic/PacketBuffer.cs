namespace Arrakis.IoBypass.Nic;

/// <summary>
/// One frame buffer of a NIC queue's pool: <see cref="Handle"/> names the buffer inside its queue (for
/// AF_XDP the UMEM address of the frame's data), <see cref="Length"/> the bytes of the frame it holds.
/// A plain value: the bytes are reached through the owning queue's <see cref="INicQueue.Data"/>, and
/// who owns the buffer at any moment follows the queue's contract (received or allocated: the caller
/// until it transmits or releases it).
/// </summary>
public readonly record struct PacketBuffer(ulong Handle, int Length)
{
    /// <summary>The same buffer holding <paramref name="length"/> bytes (set before transmitting).</summary>
    public PacketBuffer WithLength(int length) => new(Handle, length);
}
