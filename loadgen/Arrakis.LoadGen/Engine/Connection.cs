using System.Net;
using System.Net.Sockets;
using System.Text;
using Arrakis.Protocol;

namespace Arrakis.LoadGen.Engine;

/// <summary>
/// One client connection: a non-blocking socket, a send buffer of encoded requests, a receive
/// buffer, and the ring of requests in flight (command, key, intended or actual send time).
/// Used by one worker thread only.
/// </summary>
internal sealed class Connection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _send;
    private int _sendStart, _sendEnd;
    private byte[] _recv = new byte[256 * 1024];
    private int _recvStart, _recvEnd;
    private readonly int[] _command;
    private readonly long[] _key;
    private readonly long[] _startTicks;
    private readonly int[] _requestBytes;
    private int _head, _inFlight;

    private Connection(Socket socket, int pipeline, int maxRequestSize)
    {
        _socket = socket;
        _command = new int[pipeline];
        _key = new long[pipeline];
        _startTicks = new long[pipeline];
        _requestBytes = new int[pipeline];
        _send = new byte[Math.Max(64 * 1024, maxRequestSize * pipeline * 2)];
    }

    public int Index { get; init; }
    public long Sent;
    public long Completed;
    public long NextIntendedTicks;
    public bool Dead { get; private set; }
    public string? DeathReason { get; private set; }
    public int InFlight => _inFlight;
    public Socket Socket => _socket;

    /// <summary>Connects (blocking), runs the handshake (HELLO 3, AUTH, SELECT), then switches to non-blocking.</summary>
    public static Connection Open(string host, int port, bool resp3, string? auth, int db, int pipeline, int maxRequestSize, int index)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(host, port);
            socket.ReceiveTimeout = 10000;
            if (resp3) Handshake(socket, auth is null ? ["HELLO", "3"] : ["HELLO", "3", "AUTH", "default", auth]);
            else if (auth is not null) Handshake(socket, ["AUTH", auth]);
            if (db != 0) Handshake(socket, ["SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            socket.Blocking = false;
            return new Connection(socket, pipeline, maxRequestSize) { Index = index };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Handshake(Socket socket, string[] args)
    {
        var sb = new StringBuilder($"*{args.Length}\r\n");
        foreach (var a in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        socket.Send(Encoding.UTF8.GetBytes(sb.ToString()));
        var buffer = new byte[64 * 1024];
        int n = 0;
        while (true)
        {
            int r = socket.Receive(buffer, n, buffer.Length - n, SocketFlags.None);
            if (r == 0) throw new IOException("server closed the connection during the handshake");
            n += r;
            var status = ReplyReader.TryRead(buffer.AsSpan(0, n), out var reply, out _);
            if (status == RespParseStatus.NeedMoreData) continue;
            if (status != RespParseStatus.Done) throw new IOException("bad reply during the handshake");
            if (reply!.Type == RespType.Error) throw new IOException($"{args[0]} failed: {reply.Text}");
            return;
        }
    }

    /// <summary>Space to encode the next request into (always at least <paramref name="size"/> bytes).</summary>
    public Span<byte> SendSpace(int size)
    {
        if (_send.Length - _sendEnd < size)
        {
            if (_sendStart > 0)
            {
                Buffer.BlockCopy(_send, _sendStart, _send, 0, _sendEnd - _sendStart);
                _sendEnd -= _sendStart;
                _sendStart = 0;
            }
            if (_send.Length - _sendEnd < size) Array.Resize(ref _send, Math.Max(_send.Length * 2, _sendEnd + size));
        }
        return _send.AsSpan(_sendEnd);
    }

    /// <summary>Records a request just encoded into <see cref="SendSpace"/>.</summary>
    public void Enqueue(int length, int command, long key, long startTicks)
    {
        _sendEnd += length;
        int slot = (_head + _inFlight) % _command.Length;
        _command[slot] = command;
        _key[slot] = key;
        _startTicks[slot] = startTicks;
        _requestBytes[slot] = length;
        _inFlight++;
        Sent++;
    }

    /// <summary>Sends what is buffered; false when the connection died.</summary>
    public bool Flush()
    {
        while (_sendStart < _sendEnd)
        {
            int n = _socket.Send(_send.AsSpan(_sendStart, _sendEnd - _sendStart), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) return true;
            if (error != SocketError.Success) return Die("send: " + error);
            _sendStart += n;
        }
        _sendStart = _sendEnd = 0;
        return true;
    }

    /// <summary>Receives what is available; returns bytes received, 0 for none now, -1 when the connection died.</summary>
    public int Receive()
    {
        if (_recvStart == _recvEnd) _recvStart = _recvEnd = 0;
        if (_recvEnd == _recv.Length)
        {
            if (_recvStart > 0)
            {
                Buffer.BlockCopy(_recv, _recvStart, _recv, 0, _recvEnd - _recvStart);
                _recvEnd -= _recvStart;
                _recvStart = 0;
            }
            else
            {
                Array.Resize(ref _recv, _recv.Length * 2);
            }
        }
        int n = _socket.Receive(_recv.AsSpan(_recvEnd), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock) return 0;
        if (error != SocketError.Success) return Die("receive: " + error) ? 0 : -1;
        if (n == 0) return Die("closed by server") ? 0 : -1;
        _recvEnd += n;
        return n;
    }

    /// <summary>The next complete reply, matched with the oldest request in flight; false when none is complete.</summary>
    public bool TryTakeReply(out ReplyInfo reply)
    {
        reply = default;
        if (_inFlight == 0) return false;
        var span = _recv.AsSpan(_recvStart, _recvEnd - _recvStart);
        var status = ReplyScanner.TryScan(span, out int consumed, out var type, out int off, out int len);
        if (status == RespParseStatus.NeedMoreData) return false;
        if (status == RespParseStatus.InvalidData)
        {
            Die("unparsable reply");
            return false;
        }
        reply = new ReplyInfo(_command[_head], _key[_head], _startTicks[_head], type, _recvStart + off, len, consumed, _requestBytes[_head]);
        _recvStart += consumed;
        _head = (_head + 1) % _command.Length;
        _inFlight--;
        Completed++;
        return true;
    }

    public ReadOnlySpan<byte> ReceivedBytes(int offset, int length) => _recv.AsSpan(offset, length);

    private bool Die(string reason)
    {
        Dead = true;
        DeathReason = reason;
        return false;
    }

    public void Dispose() => _socket.Dispose();
}
