namespace Arrakis.Server.Keyspace;

/// <summary>Bits of <see cref="KeyEntry.Flags"/>.</summary>
internal static class EntryFlags
{
    /// <summary>The string was modified in place (APPEND, SETRANGE, SETBIT...): Redis reports "raw".</summary>
    public const byte RawString = 1;

    /// <summary>Stored from a float result (INCRBYFLOAT): Redis never int-encodes these.</summary>
    public const byte NoIntEncoding = 2;
}
