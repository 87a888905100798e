using Arrakis.IoBypass.Nic;

namespace Arrakis.IoBypass.Tests.Nic;

/// <summary>Sends and receives numbered frames through NIC queues in tests.</summary>
internal static class NicTestFrames
{
    /// <summary>An ARP request "who has 198.18.0.2? tell 198.18.0.1" (42 bytes), whose last byte of padding-free payload carries no number.</summary>
    public static byte[] ArpRequest() =>
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, // Ethernet: broadcast, ARP
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01, // Ethernet/IPv4, request
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 198, 18, 0, 1, // sender
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 198, 18, 0, 2, // target
    ];

    /// <summary>Sends one frame holding <paramref name="number"/> (4 bytes) padded to <paramref name="length"/>.</summary>
    public static void SendNumbered(INicQueue q, int number, int length = 64)
    {
        Span<PacketBuffer> one = stackalloc PacketBuffer[1];
        Assert.Equal(1, q.Allocate(one));
        var data = q.Data(one[0]);
        data[..length].Clear();
        BitConverter.TryWriteBytes(data, number);
        one[0] = one[0].WithLength(length);
        Assert.Equal(1, q.TxBurst(one));
    }

    /// <summary>Receives everything waiting; returns the numbers, releasing the buffers.</summary>
    public static List<int> ReceiveNumbers(INicQueue q)
    {
        var numbers = new List<int>();
        var frames = new PacketBuffer[32];
        int n;
        while ((n = q.RxBurst(frames)) > 0)
        {
            for (int i = 0; i < n; i++) numbers.Add(BitConverter.ToInt32(q.Data(frames[i])));
            q.Release(frames.AsSpan(0, n));
        }
        return numbers;
    }
}
