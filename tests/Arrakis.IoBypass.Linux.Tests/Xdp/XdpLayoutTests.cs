using Arrakis.IoBypass.Linux.Interop.Bpf;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>The AF_XDP and bpf(2) ABI structs have the kernel's sizes and field offsets (include/uapi/linux/if_xdp.h, bpf.h).</summary>
public sealed unsafe class XdpLayoutTests
{
    private static long Offset<T>(T* s, void* field) where T : unmanaged => (byte*)field - (byte*)s;

    [Fact]
    public void Xdp_umem_reg_matches_the_kernel_layout()
    {
        Assert.Equal(32, sizeof(xdp_umem_reg));
        xdp_umem_reg s = default;
        Assert.Equal(0, Offset(&s, &s.addr));
        Assert.Equal(8, Offset(&s, &s.len));
        Assert.Equal(16, Offset(&s, &s.chunk_size));
        Assert.Equal(20, Offset(&s, &s.headroom));
        Assert.Equal(24, Offset(&s, &s.flags));
        Assert.Equal(28, Offset(&s, &s.tx_metadata_len));
    }

    [Fact]
    public void Xdp_ring_offset_and_mmap_offsets_match_the_kernel_layout()
    {
        Assert.Equal(32, sizeof(xdp_ring_offset));
        xdp_ring_offset r = default;
        Assert.Equal(0, Offset(&r, &r.producer));
        Assert.Equal(8, Offset(&r, &r.consumer));
        Assert.Equal(16, Offset(&r, &r.desc));
        Assert.Equal(24, Offset(&r, &r.flags));
        Assert.Equal(128, sizeof(xdp_mmap_offsets));
        xdp_mmap_offsets m = default;
        Assert.Equal(0, Offset(&m, &m.rx));
        Assert.Equal(32, Offset(&m, &m.tx));
        Assert.Equal(64, Offset(&m, &m.fr));
        Assert.Equal(96, Offset(&m, &m.cr));
    }

    [Fact]
    public void Sockaddr_xdp_matches_the_kernel_layout()
    {
        Assert.Equal(16, sizeof(sockaddr_xdp));
        sockaddr_xdp s = default;
        Assert.Equal(0, Offset(&s, &s.sxdp_family));
        Assert.Equal(2, Offset(&s, &s.sxdp_flags));
        Assert.Equal(4, Offset(&s, &s.sxdp_ifindex));
        Assert.Equal(8, Offset(&s, &s.sxdp_queue_id));
        Assert.Equal(12, Offset(&s, &s.sxdp_shared_umem_fd));
    }

    [Fact]
    public void Xdp_desc_and_xdp_statistics_match_the_kernel_layout()
    {
        Assert.Equal(16, sizeof(xdp_desc));
        xdp_desc d = default;
        Assert.Equal(0, Offset(&d, &d.addr));
        Assert.Equal(8, Offset(&d, &d.len));
        Assert.Equal(12, Offset(&d, &d.options));
        Assert.Equal(48, sizeof(xdp_statistics));
        xdp_statistics s = default;
        Assert.Equal(0, Offset(&s, &s.rx_dropped));
        Assert.Equal(24, Offset(&s, &s.rx_ring_full));
        Assert.Equal(40, Offset(&s, &s.tx_ring_empty_descs));
    }

    [Fact]
    public void Bpf_insn_packs_registers_as_the_kernel_does()
    {
        Assert.Equal(8, sizeof(bpf_insn));
        // r2 = *(u32*)(r1 + 16): 61 12 10 00 00 00 00 00 (linux-bypass-facts.md)
        var insn = new bpf_insn(0x61, 2, 1, 16, 0);
        byte* b = (byte*)&insn;
        Assert.Equal(new byte[] { 0x61, 0x12, 0x10, 0, 0, 0, 0, 0 }, new ReadOnlySpan<byte>(b, 8).ToArray());
        Assert.Equal(2, insn.dst_reg);
        Assert.Equal(1, insn.src_reg);
    }

    [Fact]
    public void Bpf_attr_variants_match_the_kernel_layout()
    {
        Assert.Equal(48, sizeof(bpf_attr_map_create));
        bpf_attr_map_create m = default;
        Assert.Equal(12, Offset(&m, &m.max_entries));
        Assert.Equal(24, Offset(&m, &m.numa_node));
        Assert.Equal(28, Offset(&m, m.map_name));
        Assert.Equal(44, Offset(&m, &m.map_ifindex));

        Assert.Equal(32, sizeof(bpf_attr_map_elem));
        bpf_attr_map_elem e = default;
        Assert.Equal(8, Offset(&e, &e.key));
        Assert.Equal(16, Offset(&e, &e.value));
        Assert.Equal(24, Offset(&e, &e.flags));

        Assert.Equal(72, sizeof(bpf_attr_prog_load));
        bpf_attr_prog_load p = default;
        Assert.Equal(4, Offset(&p, &p.insn_cnt));
        Assert.Equal(8, Offset(&p, &p.insns));
        Assert.Equal(16, Offset(&p, &p.license));
        Assert.Equal(24, Offset(&p, &p.log_level));
        Assert.Equal(28, Offset(&p, &p.log_size));
        Assert.Equal(32, Offset(&p, &p.log_buf));
        Assert.Equal(40, Offset(&p, &p.kern_version));
        Assert.Equal(44, Offset(&p, &p.prog_flags));
        Assert.Equal(48, Offset(&p, p.prog_name));
        Assert.Equal(64, Offset(&p, &p.prog_ifindex));
        Assert.Equal(68, Offset(&p, &p.expected_attach_type));

        Assert.Equal(16, sizeof(bpf_attr_link_create));
        bpf_attr_link_create l = default;
        Assert.Equal(4, Offset(&l, &l.target_ifindex));
        Assert.Equal(8, Offset(&l, &l.attach_type));
        Assert.Equal(12, Offset(&l, &l.flags));
    }
}
