namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>io_uring ABI numbers (include/uapi/linux/io_uring.h); syscall numbers are the same on x86-64 and arm64.</summary>
internal static class IoUringConstants
{
    public const long SYS_io_uring_setup = 425;
    public const long SYS_io_uring_enter = 426;
    public const long SYS_io_uring_register = 427;

    // io_uring_params.flags
    public const uint IORING_SETUP_SQPOLL = 1U << 1;
    public const uint IORING_SETUP_CQSIZE = 1U << 3;
    public const uint IORING_SETUP_CLAMP = 1U << 4;

    // io_uring_params.features
    public const uint IORING_FEAT_SINGLE_MMAP = 1U << 0;
    public const uint IORING_FEAT_NODROP = 1U << 1;
    public const uint IORING_FEAT_SUBMIT_STABLE = 1U << 2;
    public const uint IORING_FEAT_EXT_ARG = 1U << 8;

    // mmap offsets
    public const long IORING_OFF_SQ_RING = 0;
    public const long IORING_OFF_CQ_RING = 0x8000000;
    public const long IORING_OFF_SQES = 0x10000000;

    // sq ring flags
    public const uint IORING_SQ_NEED_WAKEUP = 1U << 0;

    // io_uring_enter flags
    public const uint IORING_ENTER_GETEVENTS = 1U << 0;
    public const uint IORING_ENTER_SQ_WAKEUP = 1U << 1;
    public const uint IORING_ENTER_EXT_ARG = 1U << 3;

    // opcodes
    public const byte IORING_OP_NOP = 0;
    public const byte IORING_OP_FSYNC = 3;
    public const byte IORING_OP_READ_FIXED = 4;
    public const byte IORING_OP_WRITE_FIXED = 5;
    public const byte IORING_OP_READ = 22;
    public const byte IORING_OP_WRITE = 23;

    // sqe flags
    public const byte IOSQE_IO_DRAIN = 1 << 1;
    public const byte IOSQE_IO_LINK = 1 << 2;

    public const uint IORING_FSYNC_DATASYNC = 1U << 0;

    // io_uring_register opcodes
    public const uint IORING_REGISTER_BUFFERS = 0;
    public const uint IORING_UNREGISTER_BUFFERS = 1;
    public const uint IORING_REGISTER_EVENTFD = 4;
    public const uint IORING_UNREGISTER_EVENTFD = 5;
    public const uint IORING_REGISTER_BUFFERS2 = 15;
    public const uint IORING_REGISTER_BUFFERS_UPDATE = 16;
    public const uint IORING_RSRC_REGISTER_SPARSE = 1U << 0;
}
