using System.Text;

namespace Arrakis.Protocol;

/// <summary>
/// A parsed reply as a tree: for clients, tests, the load generator and embedded metadata.
/// Not used on the server's request path. Null bulk strings and null arrays read as
/// <see cref="RespType.Null"/> with <see cref="IsNullAggregate"/> telling which RESP2 null it was.
/// </summary>
public sealed class RespValue
{
    public RespValue(RespType type, byte[]? bytes = null, RespValue[]? items = null, bool isNullAggregate = false)
    {
        Type = type;
        Bytes = bytes;
        Items = items;
        IsNullAggregate = isNullAggregate;
    }

    public RespType Type { get; }

    /// <summary>The payload of strings, errors, numbers (their text), doubles, booleans ("t"/"f").</summary>
    public byte[]? Bytes { get; }

    /// <summary>Elements of aggregates; a map's are key, value, key, value...</summary>
    public RespValue[]? Items { get; }

    /// <summary>True for RESP2's <c>*-1</c>.</summary>
    public bool IsNullAggregate { get; }

    public string Text => Bytes is null ? "" : Encoding.UTF8.GetString(Bytes);

    public long Integer => long.Parse(Text, System.Globalization.CultureInfo.InvariantCulture);

    public bool IsAggregate => Items is not null;

    /// <summary>Writes the value back through a writer (RESP3 types degrade for RESP2 clients).</summary>
    public void WriteTo(RespWriter writer)
    {
        switch (Type)
        {
            case RespType.SimpleString: writer.WriteSimpleString(Bytes); break;
            case RespType.Error: writer.WriteError(Bytes); break;
            case RespType.BulkError: writer.WriteError(Bytes); break;
            case RespType.Integer: writer.WriteInteger(Integer); break;
            case RespType.BulkString: writer.WriteBulk(Bytes); break;
            case RespType.VerbatimString: writer.WriteVerbatim(Bytes.AsSpan(0, 3), Bytes.AsSpan(4)); break;
            case RespType.Null:
                if (IsNullAggregate) writer.WriteNullArray(); else writer.WriteNull();
                break;
            case RespType.Double: writer.WriteDouble(double.Parse(Text, System.Globalization.CultureInfo.InvariantCulture)); break;
            case RespType.Boolean: writer.WriteBoolean(Bytes is [(byte)'t']); break;
            case RespType.BigNumber: writer.WriteBigNumber(Bytes); break;
            case RespType.Map:
            case RespType.Attribute:
                writer.WriteMapHeader(Items!.Length / 2);
                foreach (var item in Items) item.WriteTo(writer);
                break;
            case RespType.Set:
                writer.WriteSetHeader(Items!.Length);
                foreach (var item in Items) item.WriteTo(writer);
                break;
            case RespType.Push:
                writer.WritePushHeader(Items!.Length);
                foreach (var item in Items) item.WriteTo(writer);
                break;
            default:
                writer.WriteArrayHeader(Items!.Length);
                foreach (var item in Items) item.WriteTo(writer);
                break;
        }
    }

    /// <summary>Finds the value that follows key <paramref name="key"/> in a map (or RESP2 flat pair array).</summary>
    public RespValue? Field(string key)
    {
        if (Items is null) return null;
        for (int i = 0; i + 1 < Items.Length; i += 2)
        {
            if (Items[i].Bytes is { } b && Encoding.UTF8.GetString(b) == key) return Items[i + 1];
        }
        return null;
    }

    public override string ToString() => Type switch
    {
        RespType.Null => IsNullAggregate ? "(nil array)" : "(nil)",
        _ when Items is not null => $"{(char)Type}[{string.Join(", ", Items.Select(i => i.ToString()))}]",
        _ => $"{(char)Type}{Text}",
    };
}
