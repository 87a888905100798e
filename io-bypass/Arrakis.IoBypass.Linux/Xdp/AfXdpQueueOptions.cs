using System.Net;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>What an AF_XDP NIC queue claims: the interface and queue, the traffic steered to it, and its memory.</summary>
public sealed record AfXdpQueueOptions
{
    /// <summary>The interface (a VF, a NIC, a veth in tests).</summary>
    public required string Interface { get; init; }

    /// <summary>The NIC queue to bind (frames the NIC hashes elsewhere stay with the kernel).</summary>
    public uint QueueId { get; init; }

    /// <summary>Our IPv4 address: TCP to it and <see cref="Port"/> is steered to the queue.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>Our TCP port.</summary>
    public required ushort Port { get; init; }

    /// <summary>Dedicated mode: the queue also gets ARP for <see cref="Address"/> and ICMP echo requests to it (the server owns the address). Shared: the host keeps them.</summary>
    public bool Dedicated { get; init; }

    /// <summary>UMEM chunks (frames) of the queue's pool; half at most are lent to the fill ring.</summary>
    public int FrameCount { get; init; } = 4096;

    /// <summary>Bytes per UMEM chunk: 2048 or 4096.</summary>
    public int FrameSize { get; init; } = 4096;

    /// <summary>Entries of each of the four rings (a power of two).</summary>
    public uint RingSize { get; init; } = 2048;

    /// <summary>XSKMAP slots (queue indices that can be steered).</summary>
    public uint QueueSlots { get; init; } = 64;

    /// <summary>Try XDP_ZEROCOPY before XDP_COPY.</summary>
    public bool TryZeroCopy { get; init; } = true;

    /// <summary>Try 2 MiB huge pages for the UMEM before ordinary pages.</summary>
    public bool TryHugePages { get; init; } = true;

    /// <summary>Throws for options no queue can be built from (startup).</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Interface) || Interface.Length > 15) throw new ArgumentException($"bad interface name '{Interface}'");
        if (Address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) throw new ArgumentException("AF_XDP steering needs an IPv4 address");
        if (FrameSize is not (2048 or 4096)) throw new ArgumentException("FrameSize must be 2048 or 4096");
        if (RingSize < 64 || (RingSize & (RingSize - 1)) != 0) throw new ArgumentException("RingSize must be a power of two >= 64");
        if (FrameCount < 2 * 64 || FrameCount > 1 << 20) throw new ArgumentException("FrameCount must be between 128 and 2^20");
        if (QueueSlots == 0 || QueueId >= QueueSlots) throw new ArgumentException("QueueId must be below QueueSlots");
    }
}
