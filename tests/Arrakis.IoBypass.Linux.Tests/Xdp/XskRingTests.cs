using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Xdp;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>The ring protocol over an anonymous mapping, the test playing the kernel's side; indices start near 2^32 so they wrap.</summary>
public sealed unsafe class XskRingTests
{
    private static readonly uint Start = 0xFFFF_FFFC;
    private static readonly xdp_ring_offset Layout = new() { producer = 0, consumer = 64, flags = 128, desc = 192 };

    private static XskRing NewRing(bool producer, out uint* prod, out uint* cons, out uint* flags)
    {
        nint map = XskNativeMethods.Mmap(4096, XskNativeMethods.PROT_READ | XskNativeMethods.PROT_WRITE, XskNativeMethods.MAP_PRIVATE | XskNativeMethods.MAP_ANONYMOUS, -1, 0);
        Assert.True(map > 0);
        prod = (uint*)map;
        cons = (uint*)(map + 64);
        flags = (uint*)(map + 128);
        *prod = Start;
        *cons = Start;
        return XskRing.Wrap(map, 4096, Layout, 8, sizeof(ulong), producer);
    }

    [Fact]
    public void ProducerRing_ReservesOnlyFreeSlots_AndPublishesOnSubmit()
    {
        using XskRing ring = NewRing(producer: true, out uint* prod, out uint* cons, out _);
        Assert.Equal(8u, ring.Reserve(10, out uint index));
        Assert.Equal(Start, index);
        for (uint i = 0; i < 8; i++) ring.AddressAt(index + i) = 100 + i;
        Assert.Equal(Start, *prod); // invisible until Submit
        ring.Submit(8);
        Assert.Equal(Start + 8, *prod); // wrapped past 2^32
        Assert.Equal(8u, ring.InFlight);
        Assert.Equal(0u, ring.Reserve(1, out _));

        *cons = Start + 3; // the kernel consumed three
        Assert.Equal(5u, ring.InFlight);
        Assert.Equal(3u, ring.Reserve(5, out index));
        Assert.Equal(Start + 8, index);
        ring.AddressAt(index) = 999;
        Assert.Equal(999ul, ring.AddressAt(Start)); // slot (Start + 8) & 7 == Start & 7
    }

    [Fact]
    public void ConsumerRing_PeeksWhatTheKernelProduced_AndReleasesOnRelease()
    {
        using XskRing ring = NewRing(producer: false, out uint* prod, out uint* cons, out uint* flags);
        Assert.Equal(0u, ring.Peek(4, out _));
        for (uint i = 0; i < 6; i++) ring.AddressAt(Start + i) = 7 + i;
        *prod = Start + 6;
        Assert.Equal(4u, ring.Peek(4, out uint index));
        Assert.Equal(Start, index);
        Assert.Equal(7ul, ring.AddressAt(index));
        Assert.Equal(2u, ring.Peek(4, out index)); // the rest of the cached view
        Assert.Equal(Start + 4, index);
        Assert.Equal(12ul, ring.AddressAt(index + 1));
        Assert.Equal(Start, *cons); // not released yet: the kernel may not reuse the slots
        ring.Release(6);
        Assert.Equal(Start + 6, *cons);
        Assert.False(ring.NeedsWakeup);
        *flags = XdpConstants.XDP_RING_NEED_WAKEUP;
        Assert.True(ring.NeedsWakeup);
    }
}
