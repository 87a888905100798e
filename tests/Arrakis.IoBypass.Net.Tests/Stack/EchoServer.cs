using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Net.Tests.Stack;

/// <summary>What a data-plane loop does with a source, reduced to an echo: poll, accept, read, write back what fits, close at end of stream, flush.</summary>
internal sealed class EchoServer(IConnectionSource source)
{
    private readonly ConnectionEvent[] _events = new ConnectionEvent[256];
    private readonly Dictionary<long, List<byte>> _pending = new();
    private readonly byte[] _buffer = new byte[16384];

    public int Accepted { get; private set; }
    public int Closed { get; private set; }

    public void Step()
    {
        int n = source.Poll(_events, 0);
        for (int i = 0; i < n; i++)
        {
            var e = _events[i];
            switch (e.Kind)
            {
                case ConnectionEventKind.Accepted:
                    Accepted++;
                    _pending[e.Connection] = new List<byte>();
                    source.SetInterest(e.Connection, readable: true, writable: false);
                    break;
                case ConnectionEventKind.Readable:
                    Read(e.Connection);
                    break;
                case ConnectionEventKind.Writable:
                    Write(e.Connection);
                    break;
            }
        }
        source.Flush();
    }

    private void Read(long c)
    {
        while (true)
        {
            int n = source.Receive(c, _buffer);
            if (n > 0)
            {
                _pending[c].AddRange(_buffer.AsSpan(0, n));
                Write(c);
                continue;
            }
            if (n == -Errno.EAGAIN) return;
            source.Close(c); // end of stream or an error
            _pending.Remove(c);
            Closed++;
            return;
        }
    }

    private void Write(long c)
    {
        if (!_pending.TryGetValue(c, out var q)) return;
        while (q.Count > 0)
        {
            int n = source.Send(c, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(q));
            if (n < 0)
            {
                source.SetInterest(c, readable: false, writable: true); // the send ring is full: wait for room
                return;
            }
            q.RemoveRange(0, n);
        }
        source.SetInterest(c, readable: true, writable: false);
    }
}
