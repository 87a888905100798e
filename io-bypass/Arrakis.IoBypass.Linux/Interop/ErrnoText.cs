namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>errno symbols and strerror wording for the startup report ("EPERM: Operation not permitted").</summary>
internal static class ErrnoText
{
    public static string Name(int errno) => Math.Abs(errno) switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        19 => "ENODEV",
        21 => "EISDIR",
        22 => "EINVAL",
        24 => "EMFILE",
        25 => "ENOTTY",
        28 => "ENOSPC",
        30 => "EROFS",
        38 => "ENOSYS",
        62 => "ETIME",
        95 => "EOPNOTSUPP",
        125 => "ECANCELED",
        var e => $"errno {e}",
    };

    public static string Describe(int errno) => Math.Abs(errno) switch
    {
        2 => "No such file or directory",
        14 => "Bad address",
        16 => "Device or resource busy",
        17 => "File exists",
        19 => "No such device",
        21 => "Is a directory",
        25 => "Inappropriate ioctl for device",
        30 => "Read-only file system",
        38 => "Function not implemented",
        var e when e is 1 or 5 or 9 or 11 or 12 or 13 or 22 or 28 or 62 or 95 or 125 => Arrakis.IoBypass.Block.BlockErrno.Describe(e),
        var e => Errors.Describe(e),
    };

    /// <summary>"EPERM: Operation not permitted".</summary>
    public static string Format(int errno) => $"{Name(errno)}: {Describe(errno)}";
}
