using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Strings;

/// <summary>Shared helpers for string-valued keys (strings are stored as exact-length byte arrays).</summary>
internal static class StringValues
{
    /// <summary>Redis's string size limit (proto-max-bulk-len) for values built by APPEND, SETRANGE, SETBIT.</summary>
    public static bool CheckLength(CommandContext c, long length) => CheckLength(c, length, 0);

    /// <summary>Checks <paramref name="offset"/> + <paramref name="append"/> against the limit without overflowing (offsets reach 2^63-1).</summary>
    public static bool CheckLength(CommandContext c, long offset, long append)
    {
        long max = c.Server.Options.ProtoMaxBulkLen;
        if (offset <= max && append <= max - offset && offset + append <= Array.MaxLength) return true;
        c.Error(Errors.StringTooLong);
        return false;
    }

    /// <summary>Reads a string key: true with the value (null when missing); false after replying WRONGTYPE.</summary>
    public static bool TryGet(CommandContext c, in Db db, ReadOnlySpan<byte> key, out byte[]? value, bool countHits = true)
    {
        object? o = countHits ? db.Get(key) : db.Peek(key);
        if (o is null or byte[])
        {
            value = (byte[]?)o;
            return true;
        }
        value = null;
        c.WrongType();
        return false;
    }

    /// <summary>
    /// For APPEND, SETRANGE and SETBIT, before they decide to write: the key's string length, or
    /// -1 when the key is missing. False after WRONGTYPE. Changes nothing.
    /// </summary>
    public static bool TryGetLength(CommandContext c, in Db db, ReadOnlySpan<byte> key, out long length)
    {
        length = -1;
        if (!db.TryFind(key, out var table, out int slot)) return true;
        switch (table.Slot(slot).Value)
        {
            case GrowableString g:
                length = g.Length;
                return true;
            case byte[] b:
                length = b.Length;
                return true;
            default:
                c.WrongType();
                return false;
        }
    }

    /// <summary>The existing string key as a <see cref="GrowableString"/> kept in its slot (converted
    /// once from an exact array). Call after <see cref="TryGetLength"/> found it.</summary>
    public static GrowableString Growable(in Db db, ReadOnlySpan<byte> key)
    {
        db.TryFind(key, out var table, out int slot);
        ref var e = ref table.Slot(slot);
        if (e.Value is not GrowableString g) e.Value = g = new GrowableString((byte[])e.Value!);
        return g;
    }

    /// <summary>OBJECT ENCODING of a string the way Redis 7.0 decides it.</summary>
    public static string Encoding(byte[] value, byte flags)
    {
        if ((flags & EntryFlags.RawString) != 0) return "raw";
        if ((flags & EntryFlags.NoIntEncoding) == 0 && value.Length <= 20 && Protocol.RespNumber.TryParseInt64(value, out _)) return "int";
        return value.Length <= 44 ? "embstr" : "raw";
    }

    /// <summary>True when Redis would share the object (small integers): OBJECT REFCOUNT says INT_MAX.</summary>
    public static bool IsShared(object value, byte flags) => value is byte[] b && IsShared(b, flags);

    public static bool IsShared(byte[] value, byte flags) => (flags & EntryFlags.Unshared) == 0 &&
        Encoding(value, flags) == "int" && Protocol.RespNumber.TryParseInt64(value, out long v) && v >= 0 && v < 10000;
}
