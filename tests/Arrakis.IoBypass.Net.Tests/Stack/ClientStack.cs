using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;

namespace Arrakis.IoBypass.Net.Tests.Stack;

/// <summary>
/// The client side of the netsim tests: an interface and actively opened TCP sockets over a NIC queue,
/// stepped by the test (receive a burst, feed the sockets, dispatch what they send) with the test's clock.
/// </summary>
internal sealed class ClientStack(INicQueue queue, NetInterface iface, TcpConfig config)
{
    private readonly Dictionary<ushort, TcpSocket> _sockets = new();
    private readonly PacketBuffer[] _burst = new PacketBuffer[64];
    private readonly PacketBuffer[] _one = new PacketBuffer[1];

    public NetInterface Interface => iface;

    public INicQueue Queue => queue;

    public TcpSocket Connect(ushort localPort, TcpEndpoint server, long now)
    {
        var s = new TcpSocket(config);
        Assert.True(s.Connect(new TcpEndpoint(iface.Config.Address, localPort), server, now));
        _sockets[localPort] = s;
        return s;
    }

    public void Step(long now)
    {
        int n;
        while ((n = queue.RxBurst(_burst)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                var data = queue.Data(_burst[i]);
                var action = iface.Receive(data, _burst[i].Length, now / 1000, out var tcp, out int reply);
                if (action == RxAction.Transmit)
                {
                    _one[0] = _burst[i].WithLength(reply);
                    if (queue.TxBurst(_one) == 1) continue;
                }
                else if (action == RxAction.DeliverTcp && _sockets.TryGetValue(tcp.Repr.DestinationPort, out var s))
                {
                    s.Process(now, tcp.Source, tcp.Destination, tcp.Repr, data.Slice(tcp.PayloadOffset, tcp.PayloadLength));
                }
                _one[0] = _burst[i];
                queue.Release(_one);
            }
        }
        foreach (var s in _sockets.Values) Dispatch(s, now);
        queue.Flush();
    }

    private void Dispatch(TcpSocket s, long now)
    {
        if (!iface.Neighbors.TryLookup(s.Remote.Address, now / 1000, out _))
        {
            if (queue.Allocate(_one) != 1) return;
            _one[0] = _one[0].WithLength(iface.EmitArpRequest(queue.Data(_one[0]), s.Remote.Address));
            queue.TxBurst(_one);
            return;
        }
        while (queue.Allocate(_one) == 1)
        {
            var buffer = _one[0];
            var data = queue.Data(buffer);
            var area = data[94..];
            if (!s.TryDispatch(now, area, out var segment))
            {
                queue.Release(_one);
                return;
            }
            int length = iface.EmitTcp(data, segment, s.Remote.Address, area[..segment.PayloadLength], now / 1000);
            _one[0] = buffer.WithLength(length);
            if (queue.TxBurst(_one) == 0) queue.Release(_one);
        }
    }
}
