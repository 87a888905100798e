using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// A minimal blocking RESP2 client for the differential tests: sends a command as an array of bulk
/// strings and parses one reply: simple string (string), error (<see cref="RespError"/>), integer
/// (long), bulk (byte[] or null), array (object?[] or null).
/// </summary>
internal sealed class RespClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly BufferedStream _stream;

    public RespClient(int port)
    {
        _tcp = new TcpClient("127.0.0.1", port) { NoDelay = true, ReceiveTimeout = 30000, SendTimeout = 30000 };
        _stream = new BufferedStream(_tcp.GetStream(), 1 << 16);
    }

    public object? Call(params object[] args)
    {
        var sb = new MemoryStream();
        Write(sb, $"*{args.Length}\r\n");
        foreach (var a in args)
        {
            byte[] b = a switch
            {
                byte[] bytes => bytes,
                string s => Encoding.UTF8.GetBytes(s),
                long l => Encoding.ASCII.GetBytes(l.ToString(CultureInfo.InvariantCulture)),
                int i => Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException("unsupported argument " + a),
            };
            Write(sb, $"${b.Length}\r\n");
            sb.Write(b);
            Write(sb, "\r\n");
        }
        _stream.Write(sb.GetBuffer(), 0, (int)sb.Length);
        _stream.Flush();
        return ReadReply();
    }

    /// <summary>Calls and fails the test on an error reply.</summary>
    public object? Ok(params object[] args)
    {
        var r = Call(args);
        if (r is RespError e) throw new InvalidOperationException($"{args[0]}: {e.Message}");
        return r;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    private static void Write(Stream s, string text) => s.Write(Encoding.ASCII.GetBytes(text));

    private object? ReadReply()
    {
        int kind = _stream.ReadByte();
        string line = ReadLine();
        switch (kind)
        {
            case '+': return line;
            case '-': return new RespError(line);
            case ':': return long.Parse(line, CultureInfo.InvariantCulture);
            case '$':
                {
                    int len = int.Parse(line, CultureInfo.InvariantCulture);
                    if (len < 0) return null;
                    var data = new byte[len + 2];
                    _stream.ReadExactly(data);
                    return data.AsSpan(0, len).ToArray();
                }
            case '*':
                {
                    int n = int.Parse(line, CultureInfo.InvariantCulture);
                    if (n < 0) return null;
                    var items = new object?[n];
                    for (int i = 0; i < n; i++) items[i] = ReadReply();
                    return items;
                }
            default: throw new InvalidDataException($"bad RESP reply type {kind}");
        }
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int c = _stream.ReadByte();
            if (c < 0) throw new EndOfStreamException();
            if (c == '\r')
            {
                _stream.ReadByte();
                return sb.ToString();
            }
            sb.Append((char)c);
        }
    }
}
