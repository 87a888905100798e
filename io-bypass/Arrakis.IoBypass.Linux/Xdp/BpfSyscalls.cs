using System.Text;
using Arrakis.IoBypass.Linux.Interop.Bpf;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.Bpf.BpfConstants;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The raw bpf(2) commands the XDP steering needs: create an XSKMAP, load an XDP program, put a socket in
/// the map, attach the program to an interface through a BPF link. Every call returns an fd / 0 or -errno
/// and never throws. Startup only (control plane), any thread.
/// </summary>
internal static unsafe class BpfSyscalls
{
    /// <summary>BPF_MAP_CREATE of an XSKMAP (key: u32 queue index, value: u32 XSK fd) with <paramref name="maxEntries"/> slots: the map fd or -errno.</summary>
    public static int CreateXskMap(uint maxEntries, string name)
    {
        bpf_attr_map_create attr = default;
        attr.map_type = BPF_MAP_TYPE_XSKMAP;
        attr.key_size = 4;
        attr.value_size = 4;
        attr.max_entries = maxEntries;
        CopyName(name, attr.map_name);
        return XskNativeMethods.Bpf(BPF_MAP_CREATE, &attr, sizeof(bpf_attr_map_create));
    }

    /// <summary>BPF_MAP_UPDATE_ELEM map[key] = value (BPF_ANY): 0 or -errno.</summary>
    public static int UpdateElement(int mapFd, uint key, uint value)
    {
        bpf_attr_map_elem attr = default;
        attr.map_fd = (uint)mapFd;
        attr.key = (ulong)&key;
        attr.value = (ulong)&value;
        attr.flags = BPF_ANY;
        return XskNativeMethods.Bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(bpf_attr_map_elem));
    }

    /// <summary>
    /// BPF_PROG_LOAD of an XDP program (license "GPL", expected_attach_type BPF_XDP): the program fd or -errno.
    /// When the verifier refuses it, the load is repeated with a log buffer and <paramref name="verifierLog"/>
    /// holds the verifier's explanation (empty otherwise).
    /// </summary>
    public static int LoadXdpProgram(ReadOnlySpan<bpf_insn> insns, string name, out string verifierLog)
    {
        verifierLog = "";
        int fd = Load(insns, name, null, 0);
        if (fd >= 0 || fd == -XdpConstants.EPERM) return fd;
        const int LogSize = 256 * 1024;
        byte[] log = new byte[LogSize];
        fixed (byte* p = log)
        {
            int again = Load(insns, name, p, LogSize);
            int end = Array.IndexOf(log, (byte)0);
            verifierLog = Encoding.UTF8.GetString(log, 0, end < 0 ? LogSize : end).Trim();
            if (again >= 0) XskNativeMethods.Close(again); // passed with a log: keep the first answer
        }
        return fd;
    }

    private static int Load(ReadOnlySpan<bpf_insn> insns, string name, byte* log, int logSize)
    {
        byte* license = stackalloc byte[] { (byte)'G', (byte)'P', (byte)'L', 0 };
        fixed (bpf_insn* code = insns)
        {
            bpf_attr_prog_load attr = default;
            attr.prog_type = BPF_PROG_TYPE_XDP;
            attr.insn_cnt = (uint)insns.Length;
            attr.insns = (ulong)code;
            attr.license = (ulong)license;
            attr.expected_attach_type = BPF_XDP;
            if (log != null)
            {
                attr.log_level = 1;
                attr.log_size = (uint)logSize;
                attr.log_buf = (ulong)log;
            }
            CopyName(name, attr.prog_name);
            // The verifier gives up with EAGAIN when a signal is pending, and the .NET runtime signals threads
            // to suspend them for a collection: try again, as libbpf does (a CI run met it once).
            int rc = XskNativeMethods.Bpf(BPF_PROG_LOAD, &attr, sizeof(bpf_attr_prog_load));
            for (int attempt = 1; rc == -XdpConstants.EAGAIN && attempt < 5; attempt++)
                rc = XskNativeMethods.Bpf(BPF_PROG_LOAD, &attr, sizeof(bpf_attr_prog_load));
            return rc;
        }
    }

    /// <summary>BPF_LINK_CREATE attaching <paramref name="progFd"/> to <paramref name="ifindex"/> as XDP with <paramref name="xdpFlags"/> (DRV or SKB mode): the link fd or -errno. Closing the link fd detaches.</summary>
    public static int CreateXdpLink(int progFd, int ifindex, uint xdpFlags)
    {
        bpf_attr_link_create attr = default;
        attr.prog_fd = (uint)progFd;
        attr.target_ifindex = (uint)ifindex;
        attr.attach_type = BPF_XDP;
        attr.flags = xdpFlags;
        return XskNativeMethods.Bpf(BPF_LINK_CREATE, &attr, sizeof(bpf_attr_link_create));
    }

    /// <summary>
    /// BPF_PROG_TEST_RUN of <paramref name="progFd"/> on one frame (at least 14 bytes; the frame is not sent
    /// anywhere): 0 and the program's return value (an XDP action), or -errno. The control module's
    /// self-check and the tests use it to see what the steering program decides for a given frame.
    /// </summary>
    public static int TestRun(int progFd, ReadOnlySpan<byte> frame, out uint action)
    {
        action = 0;
        byte[] output = new byte[frame.Length + 512];
        fixed (byte* input = frame)
        fixed (byte* outBuf = output)
        {
            bpf_attr_test_run attr = default;
            attr.prog_fd = (uint)progFd;
            attr.data_in = (ulong)input;
            attr.data_size_in = (uint)frame.Length;
            attr.data_out = (ulong)outBuf;
            attr.data_size_out = (uint)output.Length;
            attr.repeat = 1;
            int rc = XskNativeMethods.Bpf(BPF_PROG_TEST_RUN, &attr, sizeof(bpf_attr_test_run));
            if (rc < 0) return rc;
            action = attr.retval;
            return 0;
        }
    }

    /// <summary>Object names: at most 15 ASCII letters, digits, '_' or '.', NUL-terminated (the kernel refuses others).</summary>
    private static void CopyName(string name, byte* dest)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (n == 15) break;
            if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.') dest[n++] = (byte)c;
        }
        dest[n] = 0;
    }
}
