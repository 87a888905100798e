using System.Net.Sockets;
using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>A plain RESP client over TCP that returns each reply's raw bytes too, for byte-for-byte comparison.</summary>
public sealed class RespConnection : IDisposable
{
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    public RespConnection(int port, int timeoutMs = 10000)
        : this(ConnectLoopback(port), timeoutMs)
    {
    }

    /// <summary>Over a TCP socket the caller connected (e.g. one made in another network namespace); disposing closes it.</summary>
    public RespConnection(Socket connected, int timeoutMs = 10000)
    {
        connected.NoDelay = true;
        connected.ReceiveTimeout = timeoutMs;
        _stream = new NetworkStream(connected, ownsSocket: true);
    }

    private static Socket ConnectLoopback(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(System.Net.IPAddress.Loopback, port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return socket;
    }

    public static byte[] Encode(IReadOnlyList<byte[]> args)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"*{args.Count}\r\n"));
        foreach (var a in args)
        {
            ms.Write(Encoding.ASCII.GetBytes($"${a.Length}\r\n"));
            ms.Write(a);
            ms.Write("\r\n"u8);
        }
        return ms.ToArray();
    }

    public void SendRaw(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public RespValue Call(params string[] args) => CallRaw(args.Select(a => Encoding.UTF8.GetBytes(a)).ToArray()).Value;

    public (RespValue Value, byte[] Raw) CallRaw(IReadOnlyList<byte[]> args)
    {
        SendRaw(Encode(args));
        return ReadReply();
    }

    public (RespValue Value, byte[] Raw) ReadReply()
    {
        while (true)
        {
            var status = ReplyReader.TryRead(_buffer.AsSpan(_start, _end - _start), out var value, out int consumed);
            if (status == RespParseStatus.Done)
            {
                var raw = _buffer.AsSpan(_start, consumed).ToArray();
                _start += consumed;
                return (value!, raw);
            }
            if (status == RespParseStatus.InvalidData) throw new InvalidDataException("bad reply");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) throw new IOException("connection closed by server");
            _end += n;
        }
    }

    /// <summary>Reads until the server closes; returns everything received.</summary>
    public byte[] ReadToClose()
    {
        var ms = new MemoryStream();
        ms.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        var chunk = new byte[4096];
        try
        {
            int n;
            while ((n = _stream.Read(chunk)) > 0) ms.Write(chunk, 0, n);
        }
        catch (IOException)
        {
        }
        return ms.ToArray();
    }

    public void Dispose() => _stream.Dispose();
}
