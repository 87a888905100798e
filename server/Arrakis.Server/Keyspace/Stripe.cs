namespace Arrakis.Server.Keyspace;

/// <summary>
/// One lock stripe: the keys whose hash falls here, in every database (so MOVE and SWAPDB stay
/// inside one stripe). Commands hold <see cref="Gate"/> while they touch <see cref="Tables"/>.
/// </summary>
internal sealed class Stripe(int index, int databases)
{
    public int Index { get; } = index;

    public readonly Lock Gate = new();

    /// <summary>LSN of the last log record that changed a key here (read and written under <see cref="Gate"/>):
    /// a reply that read this stripe waits until the log is durable past it (appendfsync always).</summary>
    public long LastLsn;

    /// <summary>Per database; null until the first key lands there.</summary>
    public readonly KeyTable?[] Tables = new KeyTable?[databases];

    /// <summary>Rolling position of the active expiry cycle, per database.</summary>
    public readonly int[] ExpiryCursor = new int[databases];

    public KeyTable Table(int db) => Tables[db] ??= new KeyTable();
}
