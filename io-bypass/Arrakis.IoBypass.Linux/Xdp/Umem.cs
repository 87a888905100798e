using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The UMEM area: <see cref="ChunkCount"/> chunks of <see cref="ChunkSize"/> bytes in one page-aligned,
/// populated anonymous mapping (2 MiB huge pages when the system has them reserved, ordinary pages
/// otherwise). Frames are addressed by their offset in the area (the kernel's UMEM address).
/// </summary>
internal sealed unsafe class Umem : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private nint _base;

    private Umem(nint @base, nuint length, int chunkSize, int chunkCount, bool hugePages)
    {
        _base = @base;
        Length = length;
        ChunkSize = chunkSize;
        ChunkCount = chunkCount;
        HugePages = hugePages;
    }

    public nint Base => _base;
    public nuint Length { get; }
    public int ChunkSize { get; }
    public int ChunkCount { get; }

    /// <summary>Backed by MAP_HUGETLB pages.</summary>
    public bool HugePages { get; }

    /// <summary>Maps the area (huge pages first, then ordinary pages): 0 and the UMEM, or -errno of the ordinary mapping.</summary>
    public static int Create(int chunkSize, int chunkCount, bool tryHugePages, out Umem? umem)
    {
        umem = null;
        nuint size = (nuint)chunkSize * (nuint)chunkCount;
        const int Prot = XskNativeMethods.PROT_READ | XskNativeMethods.PROT_WRITE;
        const int Flags = XskNativeMethods.MAP_PRIVATE | XskNativeMethods.MAP_ANONYMOUS | XskNativeMethods.MAP_POPULATE;
        if (tryHugePages)
        {
            nuint hugeSize = (size + HugePage - 1) & ~(HugePage - 1);
            nint huge = XskNativeMethods.Mmap(hugeSize, Prot, Flags | XskNativeMethods.MAP_HUGETLB, -1, 0);
            if (huge > 0)
            {
                umem = new Umem(huge, hugeSize, chunkSize, chunkCount, true);
                return 0;
            }
        }
        nint p = XskNativeMethods.Mmap(size, Prot, Flags, -1, 0);
        if (p < 0) return (int)p;
        umem = new Umem(p, size, chunkSize, chunkCount, false);
        return 0;
    }

    /// <summary>setsockopt(XDP_UMEM_REG) of this area on <paramref name="xskFd"/> with <paramref name="headroom"/>: 0 or -errno.</summary>
    public int Register(int xskFd, uint headroom)
    {
        xdp_umem_reg reg = default;
        reg.addr = (ulong)_base;
        reg.len = (ulong)ChunkSize * (ulong)ChunkCount;
        reg.chunk_size = (uint)ChunkSize;
        reg.headroom = headroom;
        return XskNativeMethods.SetSockOpt(xskFd, XdpConstants.SOL_XDP, XdpConstants.XDP_UMEM_REG, &reg, sizeof(xdp_umem_reg));
    }

    /// <summary><paramref name="length"/> bytes at UMEM address <paramref name="address"/> (the caller keeps it inside one chunk).</summary>
    public Span<byte> Slice(ulong address, int length) => new((byte*)_base + address, length);

    public void Dispose()
    {
        if (_base == 0) return;
        XskNativeMethods.Munmap(_base, Length);
        _base = 0;
    }
}
