using System.Globalization;
using System.Text;
using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>
/// Writes log records as a Redis AOF: each command a RESP array of bulk strings, SELECT when the
/// database changes, a record of several commands wrapped in MULTI/EXEC (it was applied atomically).
/// Blocks on the stream; does not own it.
/// </summary>
internal sealed class RespAofWriter(Stream output)
{
    private static readonly byte[][] Multi = [Encoding.ASCII.GetBytes("MULTI")];
    private static readonly byte[][] Exec = [Encoding.ASCII.GetBytes("EXEC")];
    private int _db = -1;

    public long Records { get; private set; }
    public long Commands { get; private set; }

    public void Write(LogRecord record)
    {
        if (record.Commands.Count == 0) return;
        Records++;
        bool transaction = record.Commands.Count > 1;
        if (transaction)
        {
            Select(record.Commands[0].Db);
            WriteArray(Multi);
        }
        foreach (var c in record.Commands)
        {
            Select(c.Db);
            WriteArray(c.Args);
            Commands++;
        }
        if (transaction) WriteArray(Exec);
    }

    private void Select(int db)
    {
        if (db == _db) return;
        WriteArray([Encoding.ASCII.GetBytes("SELECT"), Encoding.ASCII.GetBytes(db.ToString(CultureInfo.InvariantCulture))]);
        _db = db;
    }

    private void WriteArray(byte[][] args)
    {
        Ascii($"*{args.Length}\r\n");
        foreach (var a in args)
        {
            Ascii($"${a.Length}\r\n");
            output.Write(a);
            output.Write("\r\n"u8);
        }
    }

    private void Ascii(string s) => output.Write(Encoding.ASCII.GetBytes(s));
}
