using System.Net;
using System.Net.Sockets;

namespace Arrakis.LoadGen.Tests.Engine;

/// <summary>
/// A one-connection-at-a-time RESP server on loopback that answers +OK to each request after a fixed
/// service time. Runs on its own thread with blocking I/O, so that test parallelism cannot delay it.
/// </summary>
internal sealed class FakeServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Thread _thread;
    private volatile bool _stop;

    public FakeServer(TimeSpan serviceTime)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _thread = new Thread(() => Serve(serviceTime)) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }

    private void Serve(TimeSpan serviceTime)
    {
        try
        {
            while (!_stop)
            {
                using var client = _listener.AcceptTcpClient();
                client.NoDelay = true;
                var stream = client.GetStream();
                var buffer = new byte[65536];
                int pending = 0;
                while (!_stop)
                {
                    int n = stream.Read(buffer);
                    if (n == 0) break;
                    // Each request starts with '*' (the tests send ECHO key:N, whose arguments contain no '*').
                    for (int i = 0; i < n; i++) if (buffer[i] == '*') pending++;
                    for (; pending > 0; pending--)
                    {
                        if (serviceTime > TimeSpan.Zero) Thread.Sleep(serviceTime);
                        stream.Write("+OK\r\n"u8);
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _stop = true;
        _listener.Stop();
    }
}
