namespace Arrakis.IoBypass.Transport.InMemory;

/// <summary>Shared state of one in-memory connection.</summary>
internal sealed class InMemoryPipe(long id)
{
    public long Id { get; } = id;
    public readonly object Gate = new();
    public readonly Queue<byte> ToServer = new();
    public readonly Queue<byte> ToClient = new();
    public bool ClientClosed;
    public bool ServerClosed;
    public readonly SemaphoreSlim ClientSignal = new(0);
}
