namespace Arrakis.Server.Keyspace;

/// <summary>Bits of <see cref="KeyEntry.Flags"/>.</summary>
internal static class EntryFlags
{
    /// <summary>The string was modified in place (APPEND, SETRANGE, SETBIT...): Redis reports "raw".</summary>
    public const byte RawString = 1;

    /// <summary>Stored from a float result (INCRBYFLOAT): Redis never int-encodes these.</summary>
    public const byte NoIntEncoding = 2;

    /// <summary>A copy (COPY): Redis duplicates the object, so even a small integer is not its shared one.</summary>
    public const byte Unshared = 4;
}
