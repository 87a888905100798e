using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Streams;

/// <summary>A view of one entry inside a node's listpack; valid until the node changes.</summary>
internal readonly record struct StreamEntry(StreamNode Node, int Pos, StreamId Id, int Flags, int FieldCount, int FieldsPos)
{
    public bool IsDeleted => (Flags & StreamNode.FlagDeleted) != 0;

    private bool SameFields => (Flags & StreamNode.FlagSameFields) != 0;

    /// <summary>Writes [field, value, ...] as an array.</summary>
    public void WriteFields(RespWriter w)
    {
        var lp = Node.Lp;
        w.WriteArrayHeader(FieldCount * 2);
        Span<byte> scratch = stackalloc byte[24];
        int master = SameFields ? Node.MasterFieldsPos : -1;
        int p = FieldsPos;
        for (int i = 0; i < FieldCount; i++)
        {
            if (SameFields)
            {
                w.WriteBulk(Listpack.GetBytes(lp, master, scratch));
                master = Listpack.Next(lp, master);
            }
            else
            {
                w.WriteBulk(Listpack.GetBytes(lp, p, scratch));
                p = Listpack.Next(lp, p);
            }
            w.WriteBulk(Listpack.GetBytes(lp, p, scratch));
            p = Listpack.Next(lp, p);
        }
    }

    /// <summary>Writes [id, [field, value, ...]].</summary>
    public void Write(RespWriter w)
    {
        w.WriteArrayHeader(2);
        Id.Write(w);
        WriteFields(w);
    }

    /// <summary>The field/value pairs copied out.</summary>
    public List<byte[]> CopyFields()
    {
        var lp = Node.Lp;
        var list = new List<byte[]>(FieldCount * 2);
        Span<byte> scratch = stackalloc byte[24];
        int master = SameFields ? Node.MasterFieldsPos : -1;
        int p = FieldsPos;
        for (int i = 0; i < FieldCount; i++)
        {
            if (SameFields)
            {
                list.Add(Listpack.GetBytes(lp, master, scratch).ToArray());
                master = Listpack.Next(lp, master);
            }
            else
            {
                list.Add(Listpack.GetBytes(lp, p, scratch).ToArray());
                p = Listpack.Next(lp, p);
            }
            list.Add(Listpack.GetBytes(lp, p, scratch).ToArray());
            p = Listpack.Next(lp, p);
        }
        return list;
    }
}
