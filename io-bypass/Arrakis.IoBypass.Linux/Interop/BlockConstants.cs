namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>File, block-device and I/O ABI numbers used by the storage path (asm-generic values; O_DIRECT comes from Tmds.LibC per architecture).</summary>
internal static class BlockConstants
{
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int AT_FDCWD = -100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_TYPE = 0x1;
    public const uint STATX_MODE = 0x2;
    public const uint STATX_SIZE = 0x200;
    public const uint STATX_BLOCKS = 0x400;
    public const uint STATX_DIOALIGN = 0x2000;
    public const int S_IFMT = 0xF000;
    public const int S_IFREG = 0x8000;
    public const int S_IFBLK = 0x6000;
    public const ulong BLKSSZGET = 0x1268;
    public const ulong BLKGETSIZE64 = 0x80081272;
    public const ulong BLKZEROOUT = 0x127F; // _IO(0x12, 127): zero a byte range (Write Zeroes where the device has it)
    public const int RWF_DSYNC = 0x2;
    public const short POLLIN = 0x1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ETIME = 62;
    public const int ECANCELED = 125;
}
