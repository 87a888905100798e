using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace Arrakis.Integration.Tests.Bypass;

/// <summary>
/// A StackExchange.Redis transport whose every connection (interactive and subscription) is a TCP socket
/// made in the peer namespace (<see cref="PeerNamespace.ConnectAsync"/>), so that the client in this
/// root-namespace test process reaches the server the way a client in the peer namespace does. Records
/// which kinds of connection it made.
/// </summary>
internal sealed class PeerNamespaceTunnel(PeerNamespace ns) : Tunnel
{
    public ConcurrentQueue<ConnectionType> Connections { get; } = new();

    /// <summary>No endpoint: the library makes no socket of its own (it would be in the root namespace).</summary>
    public override ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken) => default;

    public override async ValueTask<Stream?> BeforeAuthenticateAsync(EndPoint endpoint, ConnectionType connectionType, Socket? socket, CancellationToken cancellationToken)
    {
        var connected = await ns.ConnectAsync((IPEndPoint)endpoint, cancellationToken);
        Connections.Enqueue(connectionType);
        return new NetworkStream(connected, ownsSocket: true);
    }
}
