using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Control;
using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Tests.Block;

namespace Arrakis.IoBypass.Linux.Tests.Control;

/// <summary>The storage claim on real files: pre-writing, O_DIRECT, io_uring probing and the fallback report.</summary>
public sealed class StorageClaimTests : IDisposable
{
    private readonly TempStorage _storage = new();

    public void Dispose() => _storage.Dispose();

    private static int RefuseWithEperm(out uint features)
    {
        features = 0;
        return -1;
    }

    private static void WriteAndFlush(IQueuePair pair)
    {
        var buffer = pair.AllocateBuffer(4096);
        buffer.Span.Fill(0xAB);
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 1));
        Assert.Equal(0, pair.QueueFlush(2, afterPrevious: true));
        Assert.Equal(2, pair.Submit());
        var seen = new List<BlockCompletion>();
        var span = new BlockCompletion[4];
        while (seen.Count < 2)
        {
            int n = pair.ProcessCompletions(span);
            seen.AddRange(span.Take(n));
            if (n == 0) Assert.True(pair.WaitForCompletion(5000) == 0, "no completion");
        }
        Assert.Equal([new BlockCompletion(1, 4096), new BlockCompletion(2, 0)], seen);
    }

    [Fact]
    public void Probing_io_uring_succeeds_here_and_reports_features()
    {
        Assert.Equal(0, StorageClaim.ProbeIoUring(out uint features));
        Assert.NotEqual(0u, features & IoUringConstants.IORING_FEAT_SINGLE_MMAP);
    }

    [Fact]
    public unsafe void A_new_file_is_pre_written_and_granted_io_uring()
    {
        string path = _storage.PathOf("log");
        using var claimed = StorageClaim.Claim(new StorageOptions(path) { NewFileCapacity = 1 << 20 });
        Assert.StartsWith($"log storage: {path} (regular file, 1 MiB pre-written, block 4096, O_DIRECT) via io_uring (features 0x", claimed.Report);
        Assert.EndsWith("registered buffers, eventfd)", claimed.Report);
        Assert.True(claimed.PreWritten);
        Assert.Equal("io_uring", claimed.QueuePair.Name);
        Assert.Equal(1 << 20, claimed.QueuePair.Capacity);
        Assert.Equal(4096, claimed.QueuePair.BlockSize);

        int fd = TempStorage.OpenDirect(path, readOnly: true);
        kernel_statx st;
        Assert.Equal(0, NativeMethods.FStatx(fd, BlockConstants.STATX_SIZE | BlockConstants.STATX_BLOCKS, &st));
        Tmds.Linux.LibC.close(fd);
        Assert.Equal(1UL << 20, st.stx_size);
        Assert.True(st.stx_blocks * 512 >= 1UL << 20, "pre-written means allocated, not sparse");
        WriteAndFlush(claimed.QueuePair);
    }

    [Fact]
    public void An_existing_file_keeps_its_data_and_is_reported_as_existing()
    {
        string path = _storage.PathOf("existing");
        var data = new byte[65536];
        new Random(5).NextBytes(data);
        File.WriteAllBytes(path, data);
        using (var claimed = StorageClaim.Claim(new StorageOptions(path) { Io = StorageIo.Uring }))
        {
            Assert.Equal($"log storage: {path} (regular file, 64 KiB existing, block 4096, O_DIRECT) via io_uring", claimed.Report[..claimed.Report.IndexOf(" (features", StringComparison.Ordinal)]);
            Assert.False(claimed.PreWritten);
        }
        Assert.Equal(data, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_sparse_existing_file_is_called_out()
    {
        string path = _storage.PathOf("sparse");
        using (var fs = new FileStream(path, FileMode.CreateNew)) fs.SetLength(1 << 20);
        using var claimed = StorageClaim.Claim(new StorageOptions(path));
        Assert.Contains("1 MiB existing, sparse: flushes will carry metadata, block 4096", claimed.Report);
    }

    [Fact]
    public void Sync_on_request_is_reported_as_requested()
    {
        string path = _storage.PathOf("sync-log");
        using var claimed = StorageClaim.Claim(new StorageOptions(path) { Io = StorageIo.Sync, NewFileCapacity = 1 << 20 });
        Assert.Equal($"log storage: {path} (regular file, 1 MiB pre-written, block 4096, O_DIRECT) via sync pwritev2+fdatasync thread (requested)", claimed.Report);
        Assert.Equal("sync", claimed.QueuePair.Name);
        WriteAndFlush(claimed.QueuePair);
    }

    [Fact]
    public void Auto_falls_back_to_the_sync_thread_and_says_why_when_io_uring_is_refused()
    {
        string path = _storage.PathOf("auto-log");
        using var claimed = StorageClaim.Claim(new StorageOptions(path) { NewFileCapacity = 1 << 20 }, RefuseWithEperm);
        Assert.EndsWith("O_DIRECT) via sync pwritev2+fdatasync thread: io_uring_setup refused (EPERM: Operation not permitted)", claimed.Report);
        Assert.Equal("sync", claimed.QueuePair.Name);
        WriteAndFlush(claimed.QueuePair);
    }

    [Fact]
    public void Dsync_writes_give_FUA_on_both_paths_and_are_refused_with_SQPOLL()
    {
        using (var uring = StorageClaim.Claim(new StorageOptions(_storage.PathOf("a")) { NewFileCapacity = 1 << 20, DsyncWrites = true }))
        {
            Assert.True(uring.QueuePair.HasFua);
            Assert.EndsWith("eventfd, RWF_DSYNC for FUA)", uring.Report);
        }
        using (var sync = StorageClaim.Claim(new StorageOptions(_storage.PathOf("b")) { NewFileCapacity = 1 << 20, DsyncWrites = true, Io = StorageIo.Sync }))
        {
            Assert.True(sync.QueuePair.HasFua);
            Assert.EndsWith("via sync pwritev2+fdatasync thread, RWF_DSYNC for FUA (requested)", sync.Report);
        }
        var e = Assert.Throws<InvalidOperationException>(() => StorageClaim.Claim(new StorageOptions(_storage.PathOf("c")) { NewFileCapacity = 1 << 20, DsyncWrites = true, SqPoll = true }));
        Assert.Contains("SQPOLL with RWF_DSYNC", e.Message);
    }

    [Fact]
    public void Uring_that_cannot_be_granted_fails_naming_the_errno()
    {
        string path = _storage.PathOf("uring-log");
        var e = Assert.Throws<InvalidOperationException>(() => StorageClaim.Claim(new StorageOptions(path) { Io = StorageIo.Uring, NewFileCapacity = 1 << 20 }, RefuseWithEperm));
        Assert.Contains("io_uring was requested but io_uring_setup refused (EPERM: Operation not permitted)", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_block_device_is_measured_with_ioctls_and_never_pre_written()
    {
        // A loop device over a 2 MiB file stands in for a disk (root and loop support: this machine type and CI).
        string backing = _storage.CreateZeroFile("disk.img", 2 << 20);
        string device = Run("losetup", $"--find --show --direct-io=on {backing}").Trim();
        Assert.StartsWith("/dev/loop", device);
        try
        {
            using (var claimed = StorageClaim.Claim(new StorageOptions(device) { NewFileCapacity = 1 << 20 }))
            {
                Assert.StartsWith($"log storage: {device} (block device, 2 MiB, block 512, O_DIRECT) via io_uring (features 0x", claimed.Report);
                Assert.True(claimed.IsBlockDevice);
                Assert.False(claimed.PreWritten);
                Assert.Equal(512, claimed.QueuePair.BlockSize);
                Assert.Equal(2 << 20, claimed.QueuePair.Capacity);
                WriteAndFlush(claimed.QueuePair);
            }
            Assert.All(File.ReadAllBytes(backing)[..4096], b => Assert.Equal(0xAB, b));
            Assert.Equal(-BlockConstants.EINVAL, StorageClaim.PrewriteFile(device, 1 << 20)); // never zeroes a device
            Assert.All(File.ReadAllBytes(backing)[..4096], b => Assert.Equal(0xAB, b));

            // A region of a claimed device is zeroed beside the claim (the log's next half): no O_EXCL, aligned only.
            using (StorageClaim.Claim(new StorageOptions(device)))
            {
                Assert.Equal(-BlockConstants.EINVAL, StorageClaim.ZeroRange(device, 512, 4096));
                Assert.Equal(0, StorageClaim.ZeroRange(device, 0, 4096));
            }
            Assert.All(File.ReadAllBytes(backing)[..4096], b => Assert.Equal(0, b));

            // Claimed elsewhere (as a mounted file system would be): the exclusive open refuses it.
            int holder = FilePrewriterOpenExclusive(device);
            try
            {
                var e = Assert.Throws<InvalidOperationException>(() => StorageClaim.Claim(new StorageOptions(device)));
                Assert.Contains("cannot open the device exclusively", e.Message);
                Assert.Contains("EBUSY: Device or resource busy", e.Message);
            }
            finally
            {
                Tmds.Linux.LibC.close(holder);
            }
        }
        finally
        {
            Run("losetup", $"--detach {device}");
        }
    }

    private static int FilePrewriterOpenExclusive(string device)
    {
        int fd = FilePrewriter.Open(device, BlockConstants.O_RDWR | BlockConstants.O_EXCL | LinuxConstants.O_CLOEXEC, 0);
        Assert.True(fd >= 0, $"exclusive open of {device}: {fd}");
        return fd;
    }

    private static string Run(string file, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments}: {error}");
        return output;
    }

    [Fact]
    public void A_directory_is_refused_clearly()
    {
        var e = Assert.Throws<InvalidOperationException>(() => StorageClaim.Claim(new StorageOptions(_storage.Directory)));
        Assert.Contains(_storage.Directory, e.Message);
    }

    [Fact]
    public void PrewriteFile_extends_without_touching_existing_data_and_checks_sizes()
    {
        string path = _storage.PathOf("segment");
        var head = new byte[8192];
        new Random(9).NextBytes(head);
        File.WriteAllBytes(path, head);
        Assert.Equal(0, StorageClaim.PrewriteFile(path, 65536));
        var all = File.ReadAllBytes(path);
        Assert.Equal(65536, all.Length);
        Assert.Equal(head, all[..8192]);
        Assert.All(all[8192..], b => Assert.Equal(0, b));
        Assert.Equal(0, StorageClaim.PrewriteFile(path, 4096)); // already long enough
        Assert.Equal(65536, new FileInfo(path).Length);
        Assert.Equal(-BlockConstants.EINVAL, StorageClaim.PrewriteFile(path, 1000));
        File.WriteAllBytes(path, new byte[100]);
        Assert.Equal(-BlockConstants.EINVAL, StorageClaim.PrewriteFile(path, 65536));
        Assert.Equal(-2, StorageClaim.PrewriteFile(_storage.PathOf("no/such/dir/file"), 4096));
    }
}
