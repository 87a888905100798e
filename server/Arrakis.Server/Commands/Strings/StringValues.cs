using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Strings;

/// <summary>Shared helpers for string-valued keys. A string lives inline in its key's record (see
/// <see cref="KeyTable"/>), or as an object while something changes it in place (an exact array for
/// HyperLogLogs, a <see cref="GrowableString"/> for APPEND, SETRANGE, SETBIT and BITFIELD).</summary>
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

    /// <summary>Reads a string key in place: true with <paramref name="found"/> and the value (valid until the
    /// key changes); false after replying WRONGTYPE.</summary>
    public static bool TryRead(CommandContext c, in Db db, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out bool found, bool countHits = true)
    {
        value = default;
        found = countHits ? db.TryFindCounted(key, out var table, out int slot) : db.TryFind(key, out table, out slot);
        if (!found || table.TryGetString(slot, out value)) return true;
        c.WrongType();
        return false;
    }

    /// <summary>Reads a string key as an array (a copy of an inline one): true with the value (null when
    /// missing); false after replying WRONGTYPE.</summary>
    public static bool TryGet(CommandContext c, in Db db, ReadOnlySpan<byte> key, out byte[]? value, bool countHits = true)
    {
        value = null;
        if (!TryRead(c, db, key, out var span, out bool found, countHits)) return false;
        if (found) value = span.ToArray();
        return true;
    }

    /// <summary>Reads a string key as the array kept in its slot, which the caller may change in place (an
    /// inline string becomes that array, once): true with the value (null when missing); false after WRONGTYPE.</summary>
    public static bool TryGetMutable(CommandContext c, in Db db, ReadOnlySpan<byte> key, out byte[]? value, bool countHits = true)
    {
        value = null;
        bool found = countHits ? db.TryFindCounted(key, out var table, out int slot) : db.TryFind(key, out table, out slot);
        if (!found) return true;
        if (!table.IsString(slot))
        {
            c.WrongType();
            return false;
        }
        value = table.ValueObject(slot) as byte[] ?? throw new InvalidOperationException("a string's value object is not an array");
        if (table.ObjectAt(slot) != value) table.SetObject(slot, value);
        return true;
    }

    /// <summary>
    /// For APPEND, SETRANGE and SETBIT, before they decide to write: the key's string length, or
    /// -1 when the key is missing. False after WRONGTYPE. Changes nothing.
    /// </summary>
    public static bool TryGetLength(CommandContext c, in Db db, ReadOnlySpan<byte> key, out long length)
    {
        length = -1;
        if (!db.TryFind(key, out var table, out int slot)) return true;
        if (table.TryGetString(slot, out var value))
        {
            length = value.Length;
            return true;
        }
        c.WrongType();
        return false;
    }

    /// <summary>The existing string key as a <see cref="GrowableString"/> kept in its slot (converted
    /// once from an exact array). Call after <see cref="TryGetLength"/> found it.</summary>
    public static GrowableString Growable(in Db db, ReadOnlySpan<byte> key)
    {
        db.TryFind(key, out var table, out int slot);
        if (table.ObjectAt(slot) is GrowableString g) return g;
        table.TryGetString(slot, out var value);
        g = new GrowableString(value);
        table.SetObject(slot, g);
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
